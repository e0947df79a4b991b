#!/usr/bin/env bash
# Escrow cycles per second through EscrowBook on the node's store: open (hold), result and
# release of one escrow on the payer's side, three stored transitions, on an SQLite file and
# on PostgreSQL (a throwaway server from scripts/with-postgres.sh). Release build of the
# Benchmarks/ package (package-benchmark); not part of `make test`. See docs/escrow-benchmark.md.
#
#   scripts/bench-escrow.sh [extra `swift package benchmark` options, e.g. --filter SQLite]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/Benchmarks"
# The server runs for the whole command, the plugin's release build included (minutes the
# first time); it is idle until the benchmarks start.
"$root/scripts/with-postgres.sh" swift package benchmark --target EscrowCycles \
  --time-units microseconds --no-progress "$@"
