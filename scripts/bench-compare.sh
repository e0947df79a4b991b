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
#   cd Benchmarks && ../scripts/with-postgres.sh swift package --allow-writing-to-package-directory \
#     benchmark baseline update reference --time-units microseconds --no-progress
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tolerance="${TAU_BENCH_TOLERANCE:-15}"
cd "$root/Benchmarks"
if [ -z "${TAU_BENCH_SKIP_RUN:-}" ]; then
  rm -rf "$root"/Benchmarks/.benchmarkBaselines/*/current
  "$root/scripts/with-postgres.sh" swift package --allow-writing-to-package-directory benchmark baseline update current \
    --time-units microseconds --no-progress "$@"
fi
echo
python3 "$root/scripts/bench_report.py" compare reference current "$tolerance"
