#!/usr/bin/env bash
# Gateway soak (issue 14 item 2): many concurrent streamed chat completions through one
# release `tau-node serve` for a long time, watching errors and the node's memory.
#
#   scripts/soak-gateway.sh [seconds=600] [streams=500]
#
# The setup is scripts/bench-gateway.sh's: nginx on 127.0.0.1 answers every
# POST /v1/chat/completions with a fixed 16-event OpenAI stream (role chunk, 12 content
# chunks, finish chunk, usage chunk, [DONE]); the node ([gateway] auth = "localhost-dev", so
# no keys, budgets or rate limits) routes `gpt-4.1-mini` to it. wrk keeps <streams>
# connections busy with streamed requests for <seconds>, checking that every answer is a 200
# that ends with `data: [DONE]`. Every SOAK_SAMPLE seconds (10) the node's VmRSS, open file
# descriptors, threads and CPU time are read from /proc.
#
# Pass criteria (exit 1 when one fails, 0 otherwise):
#   - no errors: no socket errors (connect, read, write, timeout after SOAK_TIMEOUT = 30 s),
#     no non-2xx answers, no incomplete stream, the node still running at the end and no
#     `error`/`critical` line in its log;
#   - nothing lost: after wrk, the node is stopped with SIGTERM (a graceful stop writes the
#     queued usage records) and `gateway_usage` in its node.sqlite must hold one record per
#     call it counted (`tau_gateway_requests_total`, read just before the stop);
#   - flat memory: RSS at the end at most SOAK_MAX_GROWTH_PCT (10) % above RSS in the middle
#     of the run, and the least-squares slope of RSS over the second half at most SOAK_MAX_SLOPE
#     (1.0) MiB per minute. The growth from the start (the first sample after a SOAK_WARMUP =
#     30 s warm-up) to the end is printed too, but does not fail the run: bounded queues and
#     caches filling during the first minutes are not a leak (docs/performance.md, "Gateway soak").
#
# Limits of the node that matter for 500 streams: none refuses them. localhost-dev has no
# rate limits; the HTTP server has no connection cap; the node's upstream pool keeps up to 64
# connections per provider host (more requests queue for a connection, they are not refused);
# the only hard limit is the open-file limit, which must exceed streams + 64 + the node's own
# files: the script checks `ulimit -n` and raises the soft limit up to the hard one.
#
# Environment: TAU_NODE_BINARY (default .build/release/tau-node), SOAK_SAMPLE, SOAK_WARMUP,
# SOAK_TIMEOUT, SOAK_MAX_GROWTH_PCT, SOAK_MAX_SLOPE, SOAK_THREADS (wrk threads, default 2),
# SOAK_KEEP=1 keeps the work directory (samples.csv, node.log, wrk.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL="${1:-600}"
STREAMS="${2:-500}"
SAMPLE="${SOAK_SAMPLE:-10}"
WARMUP="${SOAK_WARMUP:-30}"
WRK_TIMEOUT="${SOAK_TIMEOUT:-30}"
MAX_GROWTH_PCT="${SOAK_MAX_GROWTH_PCT:-10}"
MAX_SLOPE="${SOAK_MAX_SLOPE:-1.0}"
THREADS="${SOAK_THREADS:-2}"
BIN="${TAU_NODE_BINARY:-.build/release/tau-node}"

fail() { echo "soak-gateway: $*" >&2; exit 1; }
[[ "$SECONDS_TOTAL" =~ ^[0-9]+$ && "$STREAMS" =~ ^[0-9]+$ ]] || { echo "usage: scripts/soak-gateway.sh [seconds=600] [streams=500]" >&2; exit 64; }
(( SECONDS_TOTAL >= 2 * WARMUP )) || fail "the run ($SECONDS_TOTAL s) must last at least twice the warm-up ($WARMUP s)"
(( STREAMS >= THREADS )) || fail "streams ($STREAMS) must be at least the wrk threads ($THREADS)"
[[ -x "$BIN" ]] || fail "no binary at $BIN: build first (swift build -c release) or set TAU_NODE_BINARY"
command -v nginx >/dev/null && command -v wrk >/dev/null || fail "needs nginx and wrk (apt-get install nginx-light wrk)"
need_files=$(( STREAMS + 64 + 256 ))
if (( $(ulimit -n) < need_files )); then
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    (( $(ulimit -n) >= need_files )) || fail "open-file limit $(ulimit -n) is below $need_files (streams + upstream pool + node files); raise ulimit -n"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/soak-gateway.XXXXXX")"
NODE_PID="" WRK_PID=""
cleanup() {
    [[ -n "$WRK_PID" ]] && kill "$WRK_PID" 2>/dev/null || true
    [[ -n "$NODE_PID" ]] && { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
    [[ -f "$WORK/nginx.pid" ]] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
    if [[ "${SOAK_KEEP:-0}" == 1 || -e "$WORK/KEEP" ]]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

source "$(dirname "$0")/lib/fake-upstream.sh"
UPSTREAM_PORT="$(free_port)"
NODE_PORT="$(free_port)"
start_fake_upstream "$WORK" 4096 "$UPSTREAM_PORT" || fail "nginx did not start (see $WORK/nginx-error.log)"

write_gateway_config "$WORK/home" "$NODE_PORT" "$UPSTREAM_PORT"
TAU_LOG_LEVEL=warning "$BIN" serve --home "$WORK/home" >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$NODE_PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/node.log" >&2; fail "the node exited at start"; }
    sleep 0.1
done
BODY='{"model":"gpt-4.1-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Count to twenty."}]}'
curl -fsS -X POST -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$NODE_PORT/v1/chat/completions" | grep -q 'data: \[DONE\]' \
    || fail "no complete stream through the node (see $WORK/node.log)"

# Every answer must be a 200 ending with [DONE]; wrk sums the threads' counts at the end.
cat > "$WORK/soak.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$BODY]]
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) complete = 0; incomplete = 0 end
function response(status, headers, body)
    if status == 200 and body:find("data: [DONE]", 1, true) then complete = complete + 1 else incomplete = incomplete + 1 end
end
function done(summary, latency, requests)
    local c, i = 0, 0
    for _, t in ipairs(threads) do c = c + t:get("complete"); i = i + t:get("incomplete") end
    io.write(string.format("streams complete %d incomplete %d\n", c, i))
end
LUA

echo "soak-gateway: $STREAMS concurrent streams for $SECONDS_TOTAL s through tau-node (pid $NODE_PID), $(nproc) cores, samples every $SAMPLE s"
wrk -t"$THREADS" -c"$STREAMS" -d"${SECONDS_TOTAL}s" --timeout "${WRK_TIMEOUT}s" --latency -s "$WORK/soak.lua" \
    "http://127.0.0.1:$NODE_PORT/v1/chat/completions" >"$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
START=$(date +%s.%N)
echo "phase,t_s,rss_kib,anon_kib,file_kib,fds,threads,cpu_ticks" >"$WORK/samples.csv"
sample() { # phase: load (wrk running) or after (wrk done)
    local t rss anon file fds threads ticks
    t=$(python3 -c "print(f'{$(date +%s.%N) - $START:.1f}')")
    rss=$(awk '/^VmRSS:/{print $2}' "/proc/$NODE_PID/status")
    anon=$(awk '/^RssAnon:/{print $2}' "/proc/$NODE_PID/status")
    file=$(awk '/^RssFile:/{print $2}' "/proc/$NODE_PID/status")
    threads=$(awk '/^Threads:/{print $2}' "/proc/$NODE_PID/status")
    fds=$(ls "/proc/$NODE_PID/fd" | wc -l)
    ticks=$(awk '{print $14 + $15}' "/proc/$NODE_PID/stat")
    echo "$1,$t,$rss,$anon,$file,$fds,$threads,$ticks" >>"$WORK/samples.csv"
    printf '  %6.0f s  RSS %7.1f MiB (anon %7.1f, file %5.1f)  fds %5d  threads %3d\n' "$t" \
        "$(awk "BEGIN{print $rss/1024}")" "$(awk "BEGIN{print $anon/1024}")" "$(awk "BEGIN{print $file/1024}")" "$fds" "$threads"
}
sample load >/dev/null  # t = 0: the CPU baseline
NODE_DIED=0
while kill -0 "$WRK_PID" 2>/dev/null; do
    sleep "$SAMPLE" &
    wait $! || true
    kill -0 "$NODE_PID" 2>/dev/null || { NODE_DIED=1; echo "  !! the node exited during the soak" >&2; break; }
    kill -0 "$WRK_PID" 2>/dev/null && sample load
done
wait "$WRK_PID" || true
WRK_PID=""
kill -0 "$NODE_PID" 2>/dev/null || NODE_DIED=1
# Once wrk is done: do the connections' memory and descriptors come back?
(( NODE_DIED == 0 )) && sleep 2 && sample after >/dev/null
# The node's own count of calls, then a graceful stop, then the records it wrote.
CALLS=-1 RECORDS=-1 STOP_S=-1
if (( NODE_DIED == 0 )); then
    CALLS=$(curl -fsS "http://127.0.0.1:$NODE_PORT/metrics" | awk '/^tau_gateway_requests_total/{n += $NF} END{print n + 0}')
    stop_started=$(date +%s.%N)
    kill -TERM "$NODE_PID"
    wait "$NODE_PID" || echo "  !! the node exited with status $? on SIGTERM" >&2
    STOP_S=$(python3 -c "print(f'{$(date +%s.%N) - $stop_started:.1f}')")
    NODE_PID=""
    RECORDS=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True).execute('select count(*) from gateway_usage').fetchone()[0])" "$WORK/home/node.sqlite")
fi

set +e
ERROR_LINES=$(grep -cE ' (error|critical) |Fatal error' "$WORK/node.log" || true)
python3 - "$WORK" "$WARMUP" "$MAX_GROWTH_PCT" "$MAX_SLOPE" "$NODE_DIED" "$CALLS" "$RECORDS" "$STOP_S" "$ERROR_LINES" <<'PY'
import csv, re, sys
work, warmup, max_growth, max_slope, died = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "1"
calls, records, stop_s, error_lines = int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
wrk = open(f"{work}/wrk.txt").read()
samples = [{k: (v if k == "phase" else float(v)) for k, v in r.items()} for r in csv.DictReader(open(f"{work}/samples.csv"))]
rows = [r for r in samples if r["phase"] == "load"]
idle = [r for r in samples if r["phase"] == "after"]
def field(pattern, default="0"):
    m = re.search(pattern, wrk)
    return m.group(1) if m else default
requests = int(field(r"(\d+) requests in"))
rps = field(r"Requests/sec:\s+([\d.]+)", "-")
p50, p99 = field(r"\s50%\s+(\S+)", "-"), field(r"\s99%\s+(\S+)", "-")
socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
socket_errors = dict(zip(("connect", "read", "write", "timeout"), map(int, socket.groups()))) if socket else {}
non2xx = int(field(r"Non-2xx or 3xx responses: (\d+)"))
complete, incomplete = (int(x) for x in re.search(r"streams complete (\d+) incomplete (\d+)", wrk).groups()) \
    if "streams complete" in wrk else (0, 0)
print(f"\nwrk: {requests} requests, {rps} req/s, latency p50 {p50} p99 {p99}")
print(f"  errors: non-2xx {non2xx}, socket {socket_errors or 'none'}, incomplete streams {incomplete} (complete {complete})")
failures = []
if died:
    failures.append("the node exited during the soak")
if non2xx or sum(socket_errors.values()) or incomplete:
    failures.append("wrk saw errors")
if requests == 0:
    failures.append("no requests completed")
if error_lines:
    failures.append(f"{error_lines} error lines in the node's log")
if not died:
    print(f"usage records: the node counted {calls} calls, its store holds {records} records after a graceful stop ({stop_s:.1f} s)")
    if records < calls:
        failures.append(f"{calls - records} usage records lost ({100 * (calls - records) / max(calls, 1):.1f}% of {calls} calls)")
if "streams complete" not in wrk:
    failures.append("wrk printed no stream count: " + wrk.strip().splitlines()[-1] if wrk.strip() else "wrk printed nothing")
mib = lambda kib: kib / 1024
after = [r for r in rows if r["t_s"] >= warmup]
if len(after) >= 3:
    total = rows[-1]["t_s"]
    start, end = after[0], after[-1]
    middle = min(after, key=lambda r: abs(r["t_s"] - total / 2))
    top = max(after, key=lambda r: r["rss_kib"])
    half = [r for r in after if r["t_s"] >= total / 2]
    n = len(half)
    mx, my = sum(r["t_s"] for r in half) / n, sum(r["rss_kib"] for r in half) / n
    var = sum((r["t_s"] - mx) ** 2 for r in half)
    slope = (sum((r["t_s"] - mx) * (r["rss_kib"] - my) for r in half) / var * 60 / 1024) if var else 0.0
    growth = 100 * (end["rss_kib"] - start["rss_kib"]) / start["rss_kib"]
    half_growth = 100 * (end["rss_kib"] - middle["rss_kib"]) / middle["rss_kib"]
    cpu = ((idle or rows)[-1]["cpu_ticks"] - rows[0]["cpu_ticks"]) / 100
    print(f"node RSS (MiB): start {mib(start['rss_kib']):.1f} (t={start['t_s']:.0f} s), middle {mib(middle['rss_kib']):.1f} "
          f"(t={middle['t_s']:.0f} s), end {mib(end['rss_kib']):.1f} (t={end['t_s']:.0f} s), max {mib(top['rss_kib']):.1f}")
    print(f"  of which anonymous: start {mib(start['anon_kib']):.1f}, middle {mib(middle['anon_kib']):.1f}, end {mib(end['anon_kib']):.1f}")
    print(f"  growth middle→end {half_growth:+.1f}% (limit {max_growth:g}%); start→end {growth:+.1f}% (not a criterion)")
    print(f"  slope over the second half ({n} samples): {slope:+.3f} MiB/min (limit {max_slope:g})")
    print(f"  open fds: start {start['fds']:.0f}, end {end['fds']:.0f}, max {max(r['fds'] for r in after):.0f}; "
          f"threads {end['threads']:.0f}; node CPU {cpu:.0f} s" + (f" = {1000 * cpu / requests:.2f} ms per stream" if requests else ""))
    if idle:
        print(f"  2 s after the load: RSS {mib(idle[-1]['rss_kib']):.1f} MiB (anon {mib(idle[-1]['anon_kib']):.1f}), fds {idle[-1]['fds']:.0f}")
    if half_growth > max_growth:
        failures.append(f"RSS grew {half_growth:.1f}% over the second half (> {max_growth:g}%)")
    if slope > max_slope:
        failures.append(f"RSS slope {slope:.3f} MiB/min over the second half (> {max_slope:g})")
else:
    failures.append("too few samples after the warm-up")
print("result: " + ("FAIL: " + "; ".join(failures) if failures else "ok: no errors, flat memory"))
sys.exit(1 if failures else 0)
PY
status=$?
set -e
if (( ERROR_LINES > 0 )); then
    echo "node log: $ERROR_LINES error lines; the most frequent (times elided):"
    grep -E ' (error|critical) |Fatal error' "$WORK/node.log" | cut -d' ' -f2- | sort | uniq -c | sort -rn | head -5
fi
(( status == 0 )) || touch "$WORK/KEEP"
exit "$status"
