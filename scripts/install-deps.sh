#!/usr/bin/env bash
# Installs the system packages tau-node needs to build and test, when missing:
# libsodium (crypto), SQLite headers (GRDB), pkg-config. Debian/Ubuntu only; other
# systems print what to install.
set -euo pipefail

missing=()
pkg-config --exists libsodium 2>/dev/null || missing+=(libsodium-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
command -v curl >/dev/null 2>&1 || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "tau-node needs: ${missing[*]} (install them with your package manager)" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing ${missing[*]} ..." >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Test-only interop checks: an independent JOSE implementation (envelopes) and the
# official OpenAI Python client (the model gateway).
for module in jwcrypto openai; do
  if ! python3 -c "import $module" >/dev/null 2>&1; then
    echo "Installing $module (tests only) ..." >&2
    python3 -m pip install --quiet "$module" >/dev/null 2>&1 || python3 -m pip install --quiet --break-system-packages "$module" >/dev/null
  fi
done

if ! command -v swift >/dev/null 2>&1; then
  echo "Swift 6.1 or later is required (https://www.swift.org/install/)." >&2
  exit 1
fi
