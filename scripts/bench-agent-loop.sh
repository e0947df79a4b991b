#!/usr/bin/env bash
# The agent loop's own overhead per run, with a model that answers at once (the Benchmarks/
# package, package-benchmark, release build): wall clock p50 / p99 and mallocs per
# `agent.run`, for a one-turn run and a tool turn with sessions in memory, the same with
# sessions (and usage) in SQLite, and through the scripted model server on loopback.
# See docs/agent-benchmark.md.
#
#   scripts/bench-agent-loop.sh [extra `swift package benchmark` options, e.g. --filter tool]
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
swift package benchmark --target AgentLoop --time-units microseconds --no-progress "$@"
