#!/usr/bin/env bash
# The whole test suite: unit tests of every module, the store's contract tests on
# SQLite and on a real PostgreSQL (started for the run by scripts/with-postgres.sh), the
# CLI run as a real binary, and multi-node tests with real `tau-node serve` processes on
# 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Build everything first (the integration tests run the tau-node binary itself).
swift build --build-tests
# PostgreSQL tests must run here: a missing server fails them instead of skipping them.
export TAU_REQUIRE_POSTGRES=1
scripts/with-postgres.sh swift test --skip-build --disable-xctest "$@"
