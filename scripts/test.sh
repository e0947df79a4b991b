#!/usr/bin/env bash
# The whole test suite: unit tests of every module, the CLI run as a real binary,
# and multi-node tests with real `tau-node serve` processes on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Build everything first (the integration tests run the tau-node binary itself).
swift build --build-tests
swift test --skip-build --disable-xctest "$@"
