#!/usr/bin/env bash
# Runs the gossip simulator (Sources/tau-gossip-sim, docs/gossip-simulator.md) for several mesh
# sizes with one seed and prints one table: intervals until membership, a rotation and a
# revocation reach every node (99% / all), log2(N) and log3(N) beside them, and the bytes and
# messages each node sends per interval in a quiet window. Builds the simulator in release first.
# Not part of `make test`; 10,000 nodes take a few minutes.
#   scripts/gossip-sim.sh                       # 100,1000,3000,10000 nodes, seed 1
#   scripts/gossip-sim.sh 100,1000              # other sizes
#   GOSSIP_SIM_SEED=2 GOSSIP_SIM_ARGS="--churn 0.2 --loss 0.01" scripts/gossip-sim.sh 1000
# Environment: GOSSIP_SIM_SEED (default 1), GOSSIP_SIM_ARGS (more tau-gossip-sim options, e.g.
# --fanout, --interval, --latency-ms, --loss, --rounds, --max-rounds, --churn, --json).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-100,1000,3000,10000}"
swift build -c release --product tau-gossip-sim >&2
binary="$(swift build -c release --show-bin-path)/tau-gossip-sim"
# shellcheck disable=SC2086 # GOSSIP_SIM_ARGS is a list of options
"$binary" --nodes "$sizes" --seed "${GOSSIP_SIM_SEED:-1}" --verbose ${GOSSIP_SIM_ARGS:-}
