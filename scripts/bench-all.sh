#!/usr/bin/env bash
# Every benchmark of the Benchmarks/ package (package-benchmark, release build), then the
# figures of docs/performance.md: p50 times and mallocs, the envelope open / raw Ed25519
# verify ratio, per-entry, per-KiB and MB/s figures, gateway and gossip per request. The
# run is kept as the baseline `current` in Benchmarks/.benchmarkBaselines/ (not committed;
# TAU_BENCH_BASELINE=reference records the checked-in baseline instead). Benchmarks run pinned
# to one core (scripts/lib/bench-run.sh; TAU_BENCH_CPU).
# Needs PostgreSQL for the escrow benchmark: a throwaway server from scripts/with-postgres.sh.
#
#   scripts/bench-all.sh                       # everything (about 6 minutes after the build)
#   scripts/bench-all.sh --target Signatures   # one target; any `baseline update` option
#   scripts/bench-all.sh --filter 'JCS.*'      # benchmarks whose name matches a regex
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/bench-run.sh
source "$root/scripts/lib/bench-run.sh"
baseline="${TAU_BENCH_BASELINE:-current}"
run_benchmarks "$baseline" "$@"
echo
cd "$root/Benchmarks"
python3 "$root/scripts/bench_report.py" summary "$baseline"
