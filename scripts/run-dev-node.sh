#!/usr/bin/env bash
# Starts a development node in ./.tau-dev (or $TAU_HOME), creating its identity on
# first run. The passphrase comes from $TAU_PASSPHRASE or is asked on the terminal.
set -euo pipefail
cd "$(dirname "$0")/.."

home="${TAU_HOME:-$PWD/.tau-dev}"
binary=".build/debug/tau-node"

if [ ! -f "$home/keystore.json" ]; then
  echo "No identity in $home yet: creating one." >&2
  "$binary" init --home "$home" --name "${TAU_NODE_NAME:-dev-node}"
fi
exec "$binary" serve --home "$home" "$@"
