#!/usr/bin/env bash
# Churn with paid delegations (issue 14 item 4): N real `tau-node serve` processes on
# 127.0.0.1 as one mesh, as scripts/mesh-sim.sh starts them (random bootstrap links, gossip
# every second). A fifth of them (at least 2) are payers with credits; the others are workers
# that take paid tasks (`[delegation] accept_tasks`) with an agent whose model is one local
# fake OpenAI server (scripts/fake-openai.py, each answer held --delay seconds).
#   1. every payer runs `tau-node delegate --to auto` in a loop, one task after the other;
#   2. meanwhile, in waves, 20% of N worker nodes chosen at random are killed (SIGKILL), kept
#      down a while and restarted on the same home and port;
#   3. the loops stop, escrows are given their deadline plus a margin to settle, and the
#      script prints the delegations by exit code (0 paid, 75 refunded, others failed), the
#      success rate, refunds, total paid against total earned, every ledger's balance, escrows
#      still unsettled or settled differently on the two sides, the reputation the payers
#      hold of killed and never-killed workers, and nodes that died on their own.
# Exits 1 when money is not conserved (a ledger whose balances do not sum to zero, paid !=
# earned, an escrow released on one side and refunded on the other), when an escrow is still
# held after the latest deadline + CHURN_SETTLE_MARGIN, when a node exits on its own, or when
# a `delegate` does not return within its deadline + 120 s.
#   scripts/mesh-churn.sh 20            # 20 nodes, 3 waves
#   scripts/mesh-churn.sh 50 4          # 50 nodes, 4 waves
# Environment (defaults): TAU_NODE_BINARY (.build/release/tau-node), CHURN_PAYERS (N/5, at
# least 2), CHURN_FRACTION (0.2 of N killed per wave), CHURN_TARGET (random | busy: the
# workers that were paid most so far), CHURN_WARMUP (15 s of delegations before the first
# wave), CHURN_DOWN (10 s down), CHURN_GAP (20 s between a restart and the next wave),
# CHURN_TAIL (15 s after the last wave), CHURN_DEADLINE (workers' deadline_seconds, 15),
# CHURN_MODEL_DELAY (seconds per model answer, 2), CHURN_SETTLE_MARGIN (60 s),
# CHURN_TIMEOUT (300 s for membership), CHURN_SEED, CHURN_KEEP=1 keeps the homes and logs.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:?usage: scripts/mesh-churn.sh N [waves]}"
waves="${2:-3}"
[[ "$nodes" =~ ^[0-9]+$ && "$nodes" -ge 4 ]] || { echo "mesh-churn: N must be a number >= 4" >&2; exit 64; }
[[ "$waves" =~ ^[0-9]+$ ]] || { echo "mesh-churn: waves must be a number" >&2; exit 64; }
binary="${TAU_NODE_BINARY:-.build/release/tau-node}"
[ -x "$binary" ] || { echo "mesh-churn: no binary at $binary: build first (swift build -c release) or set TAU_NODE_BINARY" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/mesh-churn.XXXXXX")"
export CHURN_WORK="$work" CHURN_BINARY="$(realpath "$binary")" CHURN_MODEL="$(realpath scripts/fake-openai.py)"
# The Python driver kills every process it started (by process id) on exit, also on Ctrl-C;
# the trap only removes the homes (kept with CHURN_KEEP=1, and after a failure, for the logs).
trap '[ "${CHURN_KEEP:-0}" = 1 ] || [ -e "$work/KEEP" ] && echo "homes and logs kept in $work" >&2 || rm -rf "$work"' EXIT
python3 - "$nodes" "$waves" <<'PY' &
import concurrent.futures, json, os, random, re, signal, socket, subprocess, sys, threading, time
from collections import Counter
from datetime import datetime
from decimal import Decimal
import urllib.request

count, wave_count = int(sys.argv[1]), int(sys.argv[2])
work, binary = os.environ["CHURN_WORK"], os.environ["CHURN_BINARY"]
E = os.environ.get
payer_count = int(E("CHURN_PAYERS") or max(2, count // 5))
fraction, target = float(E("CHURN_FRACTION", "0.2")), E("CHURN_TARGET", "random")
warmup, down, gap, tail = (float(E(k, d)) for k, d in
                           (("CHURN_WARMUP", "15"), ("CHURN_DOWN", "10"), ("CHURN_GAP", "20"), ("CHURN_TAIL", "15")))
deadline_s, model_delay = int(E("CHURN_DEADLINE", "15")), float(E("CHURN_MODEL_DELAY", "2"))
margin, timeout = float(E("CHURN_SETTLE_MARGIN", "60")), float(E("CHURN_TIMEOUT", "300"))
rng = random.Random(E("CHURN_SEED"))
if payer_count >= count - 1:
    raise SystemExit(f"mesh-churn: {payer_count} payers leave fewer than 2 workers of {count} nodes")
if target not in ("random", "busy"):
    raise SystemExit("mesh-churn: CHURN_TARGET must be random or busy")
env = dict(os.environ, TAU_PASSPHRASE="mesh-churn passphrase", TAU_OUTBOUND_ALLOW="127.0.0.0/8",
           TAU_LOG_LEVEL="warning", TAU_OPENAI_API_KEY="sk-fake")
env.pop("TAU_HOME", None)
env.pop("TAU_DATABASE_URL", None)
children = []  # every process started here, ended by process id in `finally`

def stop(*_):
    raise SystemExit(130)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports

def tau(args, check=True, timeout=120):
    result = subprocess.run([binary] + args, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise SystemExit(f"mesh-churn: tau-node {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result

def tau_tracked(args, timeout):
    """`tau` for the delegation loops: the process is in `children`, so an early exit ends it."""
    process = subprocess.Popen([binary] + args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children.append(process)
    try:
        out, err = process.communicate(timeout=timeout)
        return process.returncode, out, err
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return "hung", "", "delegate did not return"
    finally:
        children.remove(process)

def tau_json(args):
    return json.loads(tau(args + ["--json"]).stdout, parse_float=Decimal)

def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()

def wait_until(what, check, limit=timeout, pause=0.5):
    started = time.monotonic()
    while True:
        done, detail = check()
        if done:
            return time.monotonic() - started
        if time.monotonic() - started > limit:
            raise SystemExit(f"mesh-churn: {what}: not reached after {limit:.0f} s ({detail})")
        time.sleep(pause)

def pool_map(fn, items, width=8):
    with concurrent.futures.ThreadPoolExecutor(width) as pool:
        return list(pool.map(fn, items))

def start(n):
    n["log"] = open(f"{n['home']}/serve.log", "a")
    args = ["serve", "--home", n["home"], "--port", str(n["port"])] + [a for p in n["peers"] for a in ("--peer", p)]
    n["process"] = subprocess.Popen([binary] + args, env=env, stdout=n["log"], stderr=subprocess.STDOUT)
    children.append(n["process"])

def up(n):
    if n["process"].poll() is not None:
        return False
    try:
        get(n["url"] + "/healthz")
        return True
    except Exception:
        return False

crashes = []  # nodes that exited without being killed by this script
def check_crashes():
    for n in nodes:
        p = n.get("process")
        if p is not None and not n.get("down") and p.poll() is not None and n not in [c[0] for c in crashes]:
            crashes.append((n, p.returncode, time.monotonic()))
            print(f"  !! n{n['i']} exited on its own with status {p.returncode} (see {n['home']}/serve.log)", flush=True)

model = None
try:
    # One fake model for every worker.
    model = subprocess.Popen([sys.executable, os.environ["CHURN_MODEL"], "--delay", str(model_delay),
                              "--port-file", f"{work}/model.port"], stdout=subprocess.DEVNULL,
                             stderr=open(f"{work}/model.log", "w"))
    children.append(model)
    wait_until("fake model listening", lambda: (os.path.exists(f"{work}/model.port"), "no port file"), 20, 0.1)
    model_url = f"http://127.0.0.1:{open(f'{work}/model.port').read().strip()}/v1"

    ports = free_ports(count)
    print(f"mesh-churn: {count} nodes ({payer_count} payers, {count - payer_count} workers), {wave_count} waves killing "
          f"{fraction:.0%} of N, target {target}; model delay {model_delay:g} s, task deadline {deadline_s} s")
    def init(i):
        home, url = f"{work}/n{i}", f"http://127.0.0.1:{ports[i]}"
        did = json.loads(tau(["init", "--home", home, "--name", f"n{i}", "--public-url", url, "--json"]).stdout)["did"]
        config = (f'[node]\nname = "n{i}"\npublic_url = "{url}"\n[server]\nport = {ports[i]}\n'
                  f'[mesh]\ngossip_interval = "1s"\ngossip_fanout = 3\n')
        payer = i < payer_count
        if not payer:
            config += (f'[providers.openai]\nbase_url = "{model_url}"\n[agent]\nmodel = "openai:gpt-4.1-mini"\n'
                       f'[delegation]\naccept_tasks = true\nprice = "1"\ndeadline_seconds = {deadline_s}\n')
        with open(f"{home}/config.toml", "w") as f:
            f.write(config)
        return {"i": i, "home": home, "url": url, "port": ports[i], "did": did, "payer": payer}
    nodes = pool_map(init, range(count), os.cpu_count() or 2)
    payers, workers = nodes[:payer_count], nodes[payer_count:]
    by_did = {n["did"]: n for n in nodes}
    for n in nodes:
        earlier = nodes[: n["i"]]
        n["peers"] = [p["url"] for p in rng.sample(earlier, min(len(earlier), rng.choice([1, 2])))]
        start(n)
    def listening():
        check_crashes()
        if crashes:
            raise SystemExit(f"mesh-churn: a node exited early; see {work}/n*/serve.log (CHURN_KEEP=1)")
        ready = pool_map(up, nodes)
        return all(ready), f"{sum(ready)} listening"
    wait_until("all nodes listening", listening)
    for n in nodes:
        n["token"] = open(f"{n['home']}/operator.token").read().strip()
    for p in payers:
        tau(["wallet", "credit", "100000", "--home", p["home"], "--key", "churn-topup"])
    worker_dids = {w["did"] for w in workers}
    def payers_see_workers():
        def seen(p):
            try:
                peers = json.loads(get(p["url"] + "/mesh/v1/peers", p["token"]))["peers"]
            except Exception:
                return 0
            return len({e["did"] for e in peers if e["state"] == "alive" and "task:agent" in e.get("capabilities", [])} & worker_dids)
        counts = pool_map(seen, payers)
        return all(c == len(workers) for c in counts), f"min {min(counts)} of {len(workers)} workers seen"
    print(f"  every payer sees all {len(workers)} workers alive after {wait_until('payers see every worker', payers_see_workers):.1f} s")

    # Delegation loops, one per payer.
    records, examples, running = [], {}, threading.Event()
    running.set()
    t0 = time.monotonic()
    def loop(p):
        k = 0
        while running.is_set():
            k += 1
            started = time.monotonic()
            rc, out, err = tau_tracked(["delegate", "--home", p["home"], "--to", "auto", "--max-price", "2", "--json",
                                        f"churn task {p['i']}-{k}: answer in one word"], deadline_s + 120)
            try:
                outcome = json.loads(out, parse_float=Decimal) if out.strip() else {}
            except ValueError:
                outcome = {}
            # A refund carries `"error": "timeout"`; a command that failed prints `{"error": {"code": …}}`.
            error = outcome.get("error")
            if isinstance(error, dict):
                error = error.get("code")
            code = re.search(r"error\[([a-z_]+)\]", err)
            if rc not in (0, 75) and (rc, error) not in examples:
                examples[(rc, error)] = (out.strip().replace("\n", " "), err.strip().replace("\n", " | "))
            records.append({"payer": p["did"], "start": started - t0, "end": time.monotonic() - t0, "rc": rc,
                            "state": outcome.get("state"), "peer": outcome.get("peer"), "escrow": outcome.get("escrow"),
                            "error": error or (code.group(1) if code else None) or (err.strip().splitlines() or [None])[-1]})
            if rc != 0:
                time.sleep(0.5)  # no tight loop on `no_peer_offers`
    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in payers]
    for t in threads:
        t.start()
    def pause(seconds):
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            check_crashes()
            time.sleep(0.5)
    pause(warmup)
    kill_count = max(1, min(len(workers), round(fraction * count)))
    kills, killed = [], set()
    for wave in range(1, wave_count + 1):
        candidates = [w for w in workers if not crashes or w not in [c[0] for c in crashes]]
        if target == "busy":
            paid_by = Counter(r["peer"] for r in list(records) if r["rc"] == 0)
            rng.shuffle(candidates)
            candidates.sort(key=lambda w: -paid_by[w["did"]])
            chosen = candidates[:kill_count]
        else:
            chosen = rng.sample(candidates, min(kill_count, len(candidates)))
        at = time.monotonic() - t0
        for w in chosen:
            w["down"] = True
            w["process"].kill()
            w["process"].wait()
            w["log"].close()
            killed.add(w["did"])
            kills.append((w["did"], at))
        print(f"  wave {wave} at {at:.0f} s: killed {' '.join('n%d' % w['i'] for w in chosen)}; "
              f"{len(records)} delegations so far", flush=True)
        pause(down)
        for w in chosen:
            start(w)
            w["down"] = False
        wait_until(f"wave {wave} restarted", lambda: (all(up(w) for w in chosen), "not listening yet"), 60)
        print(f"  wave {wave}: restarted at {time.monotonic() - t0:.0f} s", flush=True)
        pause(gap if wave < wave_count else tail)
    running.clear()
    print(f"  loops stopping at {time.monotonic() - t0:.0f} s; waiting for the delegations in flight", flush=True)
    for t in threads:
        t.join()
    loops_end = time.monotonic() - t0

    # Settling: every escrow on every node final, both sides agreeing, paid == earned.
    def ledgers():
        def read(n):
            return n, tau_json(["wallet", "balance", "--home", n["home"]]), \
                tau_json(["escrow", "list", "--home", n["home"], "--limit", "1000000"])["escrows"]
        return pool_map(read, nodes, 4)
    def problems(state):
        found, sides = [], {}
        for n, wallet, escrows in state:
            left = wallet["wallet"] + wallet["held_in_escrow"] + wallet["paid"] - wallet["topped_up"] - wallet["earned"]
            if left != 0:
                found.append(("money", f"n{n['i']}: ledger does not sum to zero ({left})"))
            for e in escrows:
                sides.setdefault(e["id"], {})[e["side"]] = e
                if e["state"] not in ("released", "refunded"):
                    found.append(("unsettled", f"n{n['i']}: escrow {e['id']} ({e['side']}) is {e['state']}, deadline {e['deadline']}"))
        for ident, s in sides.items():
            payer, payee = s.get("payer"), s.get("payee")
            if payer and payee and (payer["state"], payer["invoice"] if payer["state"] == "released" else None) != \
                    (payee["state"], payee["invoice"] if payee["state"] == "released" else None):
                final = payer["state"] in ("released", "refunded") and payee["state"] in ("released", "refunded")
                found.append(("money" if final else "unsettled", f"{ident}: payer side {payer['state']} (invoice {payer['invoice']}), "
                              f"payee side {payee['state']} (invoice {payee['invoice']})"))
            if payee and not payer:
                found.append(("money", f"{ident}: only the payee knows it ({payee['state']})"))
            if payer and not payee and payer["state"] == "released":
                found.append(("money", f"{ident}: released by the payer, unknown to the payee"))
        paid = sum(w["paid"] for _, w, _ in state)
        earned = sum(w["earned"] for _, w, _ in state)
        if paid != earned:
            found.append(("money", f"total paid {paid} != total earned {earned}"))
        return found, sides
    state = ledgers()
    deadlines = [datetime.fromisoformat(e["deadline"].replace("Z", "+00:00")).timestamp()
                 for _, _, es in state for e in es]
    settle_by = max(deadlines, default=time.time()) + margin
    settle_started = time.monotonic()
    while True:
        found, sides = problems(state)
        if not found or time.time() > settle_by:
            break
        time.sleep(2)
        check_crashes()
        state = ledgers()
    settle_time = time.monotonic() - settle_started

    # Report.
    total = len(records)
    by_rc = Counter(r["rc"] for r in records)
    paid_n, refunded_n = by_rc.get(0, 0), by_rc.get(75, 0)
    failed = {rc: c for rc, c in by_rc.items() if rc not in (0, 75)}
    errors = Counter(r["error"] for r in records if r["rc"] != 0)
    print(f"\ndelegations ({loops_end:.0f} s of loops, {len(kills)} kills over {wave_count} waves):")
    print(f"  attempted {total}, paid {paid_n} (exit 0), refunded {refunded_n} (exit 75), failed {sum(failed.values())}"
          + (f" {dict(failed)}" if failed else ""))
    print(f"  success rate {100 * paid_n / max(total, 1):.1f}% of attempts"
          + (f"; outcomes other than paid: {dict(errors)}" if errors else ""))
    durations = sorted(r["end"] - r["start"] for r in records if r["rc"] == 0)
    if durations:
        print(f"  paid delegation time: p50 {durations[len(durations) // 2]:.2f} s, p95 {durations[int(len(durations) * 0.95)]:.2f} s, max {durations[-1]:.2f} s")
    hit = [r for r in records if r["peer"] in killed and any(d == r["peer"] and r["start"] <= at <= r["end"] for d, at in kills)]
    hit_outcomes = Counter('paid' if r['rc'] == 0 else r['error'] or r['rc'] for r in hit)
    print(f"  delegate commands running against a worker when it was killed: {len(hit)} {dict(hit_outcomes)}")
    for (rc, error), (out, err) in examples.items():
        print(f"  e.g. exit {rc} ({error}): stdout {out[:200]!r}, stderr {err[-300:]!r}")
    served = Counter(r["peer"] for r in records if r["rc"] == 0)
    print(f"  workers that were paid: {len(served)} of {len(workers)}; most paid: "
          + ", ".join(f"n{by_did[d]['i']}={c}" for d, c in served.most_common(5)))

    refunded = [e for s in sides.values() for e in [s.get("payer")] if e and e["state"] == "refunded"]
    sum_field = lambda key: sum((w[key] for _, w, _ in state), Decimal(0))
    print(f"\nmoney (settle wait {settle_time:.0f} s, until the latest deadline + {margin:.0f} s at most):")
    print(f"  escrows opened {sum(1 for s in sides.values() if 'payer' in s)}, released "
          f"{sum(1 for s in sides.values() if s.get('payer', {}).get('state') == 'released')}, refunded {len(refunded)} "
          f"({sum((e['amount'] for e in refunded), Decimal(0))} credits back)")
    refunded_75 = {r["escrow"] for r in records if r["rc"] == 75}
    others = [e for e in refunded if e["id"] not in refunded_75]
    if others:
        print(f"  refunded escrows whose delegate did not exit 75: {len(others)} (the hand-over failed and the hold came back at once)")
    print(f"  topped up {sum_field('topped_up')}, wallets {sum_field('wallet')}, held {sum_field('held_in_escrow')}, "
          f"paid {sum_field('paid')}, earned {sum_field('earned')}")
    print(f"  payers' wallets + held + paid = {sum((w['wallet'] + w['held_in_escrow'] + w['paid'] for n, w, _ in state if n['payer']), Decimal(0))}"
          f" (topped up {sum_field('topped_up')}); workers' wallets {sum((w['wallet'] for n, w, _ in state if not n['payer']), Decimal(0))}")
    for _, line in found[:20]:
        print(f"  !! {line}")
    if len(found) > 20:
        print(f"  !! … {len(found) - 20} more")

    def reputation(pair):
        p, w = pair
        shown = tau_json(["peer", "show", w["did"], "--home", p["home"], "--limit", "1"])
        return w["did"] in killed, shown["reputation"]
    rows = pool_map(reputation, [(p, w) for p in payers for w in workers], 4)
    print(f"\nreputation the {len(payers)} payers hold of the workers (score: mean of the Beta posterior, 0.5 = no evidence):")
    for label, group in (("killed at least once", True), ("never killed", False)):
        reps = [r for k, r in rows if k == group]
        if not reps:
            continue
        counts = Counter()
        for r in reps:
            counts.update(r["counts"])
        with_evidence = [r["score"] for r in reps if r["evidence"] > 0]
        print(f"  {label:21} {len(reps) // len(payers):3} workers: mean score {sum(r['score'] for r in reps) / len(reps):.3f}"
              + (f", with evidence {sum(with_evidence) / len(with_evidence):.3f} over {len(with_evidence)} pairs" if with_evidence else ", no evidence")
              + f"; success {counts['success']}, failure {counts['failure']}, timeout {counts['timeout']}, dispute {counts['dispute']}"
              + f"; pairs below 0.5: {sum(1 for r in reps if r['score'] < Decimal('0.5'))}")

    notable = Counter()
    for n in nodes:
        with open(f"{n['home']}/serve.log", errors="replace") as f:
            for line in f:
                if re.search(r" (error|critical) |Fatal error|fatal|panic|backtrace|Segmentation", line):
                    notable[re.sub(r"\S*(did:tau|esc_|http://)\S*|\d{4}-\d\d-\d\dT\S+", "…", line.strip())[:160]] += 1
    if notable:
        print("\nerror lines in the nodes' logs (count, message with ids elided):")
        for line, c in notable.most_common(10):
            print(f"  {c:5} {line}")
    failures = []
    if any(kind == "money" for kind, _ in found):
        failures.append("money is not conserved")
    if any(kind == "unsettled" for kind, _ in found):
        failures.append(f"escrows still unsettled {margin:.0f} s after the latest deadline")
    if crashes:
        failures.append(f"{len(crashes)} node(s) exited on their own: " + ", ".join(f"n{n['i']} ({rc})" for n, rc, _ in crashes))
    if by_rc.get("hung"):
        failures.append(f"{by_rc['hung']} delegate command(s) did not return within deadline + 120 s")
    print("\nresult: " + ("FAIL: " + "; ".join(failures) if failures else "ok: money conserved, every escrow settled, no node died on its own"))
    if failures:
        raise SystemExit(1)
except BaseException as error:
    if not (isinstance(error, SystemExit) and error.code in (0, 130, None)):
        open(f"{work}/KEEP", "w").close()  # the shell keeps the logs for a look
    raise
finally:
    if "running" in globals():
        running.clear()
    for p in children:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 15
    for p in children:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
PY
# The driver runs in the background so that a SIGTERM or Ctrl-C reaching only this shell is
# passed on: the driver then stops every node, the model and the delegations in flight.
driver=$!
trap 'kill -TERM "$driver" 2>/dev/null' INT TERM
set +e
while :; do
    wait "$driver"
    status=$?
    kill -0 "$driver" 2>/dev/null || break
done
exit "$status"
