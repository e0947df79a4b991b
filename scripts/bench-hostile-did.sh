#!/usr/bin/env bash
# Prints what refusing hostile did:web documents costs the node: `tau-node id resolve`
# against a local host serving documents with many verification methods, each timed, next
# to a one-method document as the baseline (process start, fetch, parse). Not part of
# `make test`; figures move between machines, compare rows of one run.
#   scripts/bench-hostile-did.sh                    # the debug build
#   TAU_NODE_BINARY=.build/release/tau-node scripts/bench-hostile-did.sh
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${TAU_NODE_BINARY:-.build/debug/tau-node}"
[ -x "$binary" ] || { echo "build first: swift build (or set TAU_NODE_BINARY)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 - "$work/site" "$port" <<'PY'
import json, os, sys
root, port = sys.argv[1], sys.argv[2]
key = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
for name, count in [("one", 1), ("limit", 64), ("wide", 1800), ("dense", 7000), ("huge", 12000), ("giant", 40000)]:
    did = f"did:web:127.0.0.1%3A{port}:{name}"
    methods = [{"id": f"#k{i}", "type": "Multikey", "publicKeyMultibase": key} for i in range(count)]
    document = {"id": did, "verificationMethod": methods, "authentication": [f"#k{i}" for i in range(count)]}
    os.makedirs(f"{root}/{name}", exist_ok=True)
    with open(f"{root}/{name}/did.json", "w") as out:
        json.dump(document, out)
PY
(cd "$work/site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
home="$work/home"
mkdir -p "$home"
printf '[resolver]\ninsecure_web_hosts = ["127.0.0.1"]\n' > "$home/config.toml"
export TAU_OUTBOUND_ALLOW=127.0.0.0/8
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/one/did.json" >/dev/null 2>&1 && break; sleep 0.1; done

printf '%-8s %9s %10s  %s\n' document methods "ms (best)" outcome
for entry in one:1 limit:64 wide:1800 dense:7000 huge:12000 giant:40000; do
  name="${entry%%:*}"; count="${entry##*:}"
  bytes=$(wc -c < "$work/site/$name/did.json")
  best=""
  for _ in 1 2 3; do
    start=$(date +%s%N)
    outcome=$("$binary" id resolve --home "$home" --json "did:web:127.0.0.1%3A$port:$name" 2>/dev/null \
      | python3 -c 'import json,sys; r=json.load(sys.stdin)["didResolutionMetadata"]; print(r.get("reason") or "resolved")' 2>/dev/null || true)
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    [ -z "$best" ] || [ "$elapsed" -lt "$best" ] && best=$elapsed
  done
  printf '%-8s %9s %10s  %s (%s bytes)\n' "$name" "$count" "$best" "${outcome:-failed}" "$bytes"
done
