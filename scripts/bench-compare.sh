#!/usr/bin/env bash
# Runs the benchmarks of the Benchmarks/ package and compares them with the checked-in
# baseline `reference` (Benchmarks/.benchmarkBaselines/<target>/reference/results.json): p50
# wall clock, p50 mallocs and gossip bytes per exchange. Exits 1 when any is worse than the
# baseline by more than TAU_BENCH_TOLERANCE percent (15 by default), printing a table either
# way. A script, not part of `make test`: the figures depend on the machine (the baseline's
# was 2 shared cores; see docs/performance.md) and on what else runs.
#
#   scripts/bench-compare.sh                         # every benchmark
#   scripts/bench-compare.sh --target Codecs         # one target; any `baseline update` option
#   TAU_BENCH_TOLERANCE=25 scripts/bench-compare.sh --filter 'gossip.*'
#   TAU_BENCH_SKIP_RUN=1 scripts/bench-compare.sh    # compare the last run (`current`) again
#
# After a deliberate change in performance, record a new baseline and commit it:
#   TAU_BENCH_BASELINE=reference scripts/bench-all.sh
# Both run the benchmarks pinned to one core (scripts/lib/bench-run.sh; TAU_BENCH_CPU).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tolerance="${TAU_BENCH_TOLERANCE:-15}"
# shellcheck source=lib/bench-run.sh
source "$root/scripts/lib/bench-run.sh"
if [ -z "${TAU_BENCH_SKIP_RUN:-}" ]; then
  run_benchmarks current "$@"
fi
cd "$root/Benchmarks"
echo
python3 "$root/scripts/bench_report.py" compare reference current "$tolerance"
