#!/usr/bin/env bash
# Installs the system packages tau-node needs to build and test, when missing:
# libsodium (crypto), SQLite headers (GRDB), libedit (chat's line editing), pkg-config. Debian/Ubuntu only; other
# systems print what to install.
set -euo pipefail

missing=()
pkg-config --exists libsodium 2>/dev/null || missing+=(libsodium-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
# Line editing and history in `tau-node chat`.
pkg-config --exists libedit 2>/dev/null || missing+=(libedit-dev)
command -v curl >/dev/null 2>&1 || missing+=(curl)

# The DIDComm interop tests need a virtual environment (see below); Debian's python3
# makes one only with python3-venv installed.
didcomm_venv="${TAU_DIDCOMM_VENV:-$HOME/.cache/tau-node/didcomm-venv}"
a2a_venv="${TAU_A2A_VENV:-$HOME/.cache/tau-node/a2a-venv}"
if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  if ! "$didcomm_venv/bin/python3" -c "import didcomm" >/dev/null 2>&1 || ! "$a2a_venv/bin/python3" -c "import a2a, jwt" >/dev/null 2>&1; then
    missing+=(python3-venv)
  fi
fi

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

# Test-only: the DIDComm reference library (PyPI `didcomm`, module `didcomm`) for the
# signed-message interop tests. didcomm 0.3.2 pins pydantic 1 and typing-extensions 4.0,
# which would replace what openai (above) needs, so it gets a virtual environment of its
# own; the tests run $TAU_DIDCOMM_VENV/bin/python3 (default ~/.cache/tau-node/didcomm-venv).
if ! "$didcomm_venv/bin/python3" -c "import didcomm" >/dev/null 2>&1; then
  echo "Installing didcomm 0.3.2 in $didcomm_venv (tests only) ..." >&2
  rm -rf "$didcomm_venv"
  mkdir -p "$(dirname "$didcomm_venv")"
  python3 -m venv "$didcomm_venv"
  "$didcomm_venv/bin/python3" -m pip install --quiet --disable-pip-version-check "didcomm==0.3.2" >/dev/null
fi

# Test-only: the official A2A Python SDK (PyPI `a2a-sdk` 1.3.0 with its `signing` extra and
# `cryptography` for EdDSA) for the A2A interop test, in a virtual environment of its own
# like didcomm's (its pydantic 2 and protobuf pins stay out of the system Python); the test
# runs $TAU_A2A_VENV/bin/python3 (default ~/.cache/tau-node/a2a-venv).
if ! "$a2a_venv/bin/python3" -c "import a2a, jwt, cryptography" >/dev/null 2>&1; then
  echo "Installing a2a-sdk 1.3.0 in $a2a_venv (tests only) ..." >&2
  rm -rf "$a2a_venv"
  mkdir -p "$(dirname "$a2a_venv")"
  python3 -m venv "$a2a_venv"
  "$a2a_venv/bin/python3" -m pip install --quiet --disable-pip-version-check "a2a-sdk[signing]==1.3.0" cryptography >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "Swift 6.1 or later is required (https://www.swift.org/install/)." >&2
  exit 1
fi
