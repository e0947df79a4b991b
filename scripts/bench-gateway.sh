#!/usr/bin/env bash
# Gateway overhead: the same chat-completions request sent straight to a fast local
# upstream (nginx answering a fixed OpenAI answer) and through a tau-node gateway in front
# of it. Prints p50 / p99 latency and requests/s for each, and the node's own CPU time per
# request (from /proc), measured with wrk on this machine in one run.
#
#   scripts/bench-gateway.sh [duration-seconds] [connections] [stream|plain|both]
#
# BENCH_PROFILE=out.data records a `perf` profile of the node during its last run (the
# first mode named).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
CONNECTIONS="${2:-16}"
MODES="${3:-both}"
[[ "$MODES" == both ]] && MODES="stream plain"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
    apt-get install -y nginx-light wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx-light wrk >/dev/null; }
fi
# TAU_NODE_BINARY: a tau-node binary to measure instead of building the release one.
if [[ -n "${TAU_NODE_BINARY:-}" ]]; then
    BIN="$TAU_NODE_BINARY"
else
    swift build -c release --product tau-node >/dev/null
    BIN="$(swift build -c release --show-bin-path)/tau-node"
fi

WORK="$(mktemp -d)"
cleanup() {
    [[ -n "${NODE_PID:-}" ]] && kill "$NODE_PID" 2>/dev/null || true
    [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

source "$(dirname "$0")/lib/fake-upstream.sh"
UPSTREAM_PORT="$(free_port)"
PLAIN_PORT="$(free_port)"
NODE_PORT="$(free_port)"
start_fake_upstream "$WORK" 1024 "$UPSTREAM_PORT" "$PLAIN_PORT"

start_node() { # upstream port
    [[ -n "${NODE_PID:-}" ]] && { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
    rm -rf "$WORK/home"
    write_gateway_config "$WORK/home" "$NODE_PORT" "$1"
    TAU_LOG_LEVEL=error "$BIN" serve --home "$WORK/home" >"$WORK/node.log" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$NODE_PORT/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
}

request_body() { # stream|plain
    local stream=false
    [[ "$1" == stream ]] && stream=true
    printf '{"model":"gpt-4.1-mini","stream":%s,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Count to twenty."}]}' "$stream"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$NODE_PID/stat"; }

measure() { # name url connections mode
    local ticks_before out ticks requests
    ticks_before="$(cpu_ticks)"
    out="$(wrk -t1 -c"$3" -d"${DURATION}s" --latency -s "$WORK/$4.lua" "$2/v1/chat/completions")"
    ticks=$(( $(cpu_ticks) - ticks_before ))
    local p50 p99 rps errors cpu
    p50="$(awk '$1=="50%"{print $2}' <<<"$out")"
    p99="$(awk '$1=="99%"{print $2}' <<<"$out")"
    rps="$(awk '/Requests\/sec/{print $2}' <<<"$out")"
    requests="$(awk '/requests in/{print $1}' <<<"$out")"
    errors="$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
    cpu="-"
    # The node's CPU only counts for runs through it; clock ticks are 1/100 s.
    if [[ "$2" == *":$NODE_PORT" && "${requests:-0}" -gt 0 ]]; then
        cpu="$(python3 -c "print(f'{$ticks * 10 / $requests:.3f} ms')")"
    fi
    printf '%-7s %-18s %3s conn  p50 %9s  p99 %9s  %9s req/s  node CPU/req %9s  %s\n' "$4" "$1" "$3" "$p50" "$p99" "$rps" "$cpu" "$errors"
}

for mode in stream plain; do
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$(request_body $mode)" > "$WORK/$mode.lua"
done

echo "gateway overhead, chat completions, ${DURATION}s per run, $(nproc) cores"
for mode in $MODES; do
    upstream=$UPSTREAM_PORT
    [[ "$mode" == plain ]] && upstream=$PLAIN_PORT
    start_node "$upstream"
    # Sanity: both answer.
    for url in "http://127.0.0.1:$upstream" "http://127.0.0.1:$NODE_PORT"; do
        curl -fsS -X POST -H 'Content-Type: application/json' -d "$(request_body $mode)" "$url/v1/chat/completions" | grep -q 'word11' \
            || { echo "no complete $mode answer from $url" >&2; exit 1; }
    done
    if [[ -n "${BENCH_PROFILE:-}" ]]; then
        perf record -g -o "$BENCH_PROFILE" -p "$NODE_PID" -- sleep "$DURATION" >/dev/null 2>&1 &
        PERF_PID=$!
        wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/$mode.lua" "http://127.0.0.1:$NODE_PORT/v1/chat/completions" >/dev/null
        # Only perf: a bare `wait` would also wait for the node, which runs until killed.
        wait "$PERF_PID" || true
        exit 0
    fi
    for connections in 1 "$CONNECTIONS"; do
        measure "direct (nginx)" "http://127.0.0.1:$upstream" "$connections" "$mode"
        measure "through tau-node" "http://127.0.0.1:$NODE_PORT" "$connections" "$mode"
    done
done
