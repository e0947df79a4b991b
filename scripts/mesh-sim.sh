#!/usr/bin/env bash
# Runs N real `tau-node serve` processes on 127.0.0.1 as one mesh and prints what gossip
# costs (Specs/mesh.md sections 7.3 and 8):
#   - rounds until every node knows the other N-1 (random bootstrap links: each node is
#     started with --peer to one or two random earlier nodes),
#   - rounds until a rotation (`tau-node id rotate`) and then a revocation
#     (`tau-node id revoke --yes`) of one node is held by every node,
#   - then a quiet window of R rounds: CPU per node per round, CPU per gossip exchange,
#     gossip bytes per node per round (`tau_mesh_gossip_bytes_total`), the whole mesh's
#     share of one core.
# Rounds are elapsed seconds / gossip interval; the rounds the nodes counted
# (`tau_mesh_gossip_rounds_total`) are printed next to them. Not part of `make test`.
#   scripts/mesh-sim.sh 20            # 20 nodes, a quiet window of 10 rounds
#   scripts/mesh-sim.sh 50 20         # 50 nodes, 20 rounds
# Environment: TAU_NODE_BINARY (default .build/release/tau-node), MESH_SIM_INTERVAL
# (seconds, default 1), MESH_SIM_FANOUT (default 3), MESH_SIM_SEED (random links),
# MESH_SIM_TIMEOUT (seconds per phase, default 300), MESH_SIM_KEEP=1 keeps the homes,
# MESH_SIM_CONFIG (TOML lines appended to every node's config.toml, e.g.
# $'[resolver]\ncache_ttl_seconds = 3600').
# Churn with paid delegations on a mesh started the same way: scripts/mesh-churn.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:?usage: scripts/mesh-sim.sh N [rounds]}"
rounds="${2:-10}"
binary="${TAU_NODE_BINARY:-.build/release/tau-node}"
[ -x "$binary" ] || { echo "build first: swift build -c release (or set TAU_NODE_BINARY)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/mesh-sim.XXXXXX")"
export MESH_SIM_WORK="$work" MESH_SIM_BINARY="$(realpath "$binary")"
# The Python driver kills every node it started (by process id) on exit, also on Ctrl-C;
# the trap only removes the homes.
trap '[ "${MESH_SIM_KEEP:-0}" = 1 ] && echo "homes kept in $work" >&2 || rm -rf "$work"' EXIT
python3 - "$nodes" "$rounds" <<'PY'
import concurrent.futures, json, os, random, re, signal, socket, subprocess, sys, time, urllib.request

count, quiet_rounds = int(sys.argv[1]), int(sys.argv[2])
work, binary = os.environ["MESH_SIM_WORK"], os.environ["MESH_SIM_BINARY"]
interval = float(os.environ.get("MESH_SIM_INTERVAL", "1"))
fanout = int(os.environ.get("MESH_SIM_FANOUT", "3"))
timeout = float(os.environ.get("MESH_SIM_TIMEOUT", "300"))
rng = random.Random(os.environ.get("MESH_SIM_SEED"))
ticks = os.sysconf("SC_CLK_TCK")
env = dict(os.environ, TAU_PASSPHRASE="mesh-sim passphrase", TAU_OUTBOUND_ALLOW="127.0.0.0/8", TAU_LOG_LEVEL="warning")
env.pop("TAU_HOME", None)
processes = []

def stop(*_):
    raise SystemExit(130)

signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

def free_ports(n):
    sockets, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports

def run(args):
    result = subprocess.run([binary] + args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"tau-node {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout

def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

def metrics(node):
    text = get(node["url"] + "/metrics").decode()
    values = {}
    for line in text.splitlines():
        match = re.match(r'^(tau_mesh_[a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)$', line)
        if match:
            values[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return values

def snapshot():
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        measured = list(pool.map(lambda n: (cpu_seconds(n["pid"]), metrics(n)), nodes))
    return time.monotonic(), measured

def report(name, before, after):
    (t0, a), (t1, b) = before, after
    elapsed = t1 - t0
    def delta(key):
        return [mb.get(key, 0) - ma.get(key, 0) for (_, ma), (_, mb) in zip(a, b)]
    cpu = [cb - ca for (ca, _), (cb, _) in zip(a, b)]
    node_rounds = delta("tau_mesh_gossip_rounds_total")
    exchanges = sum(delta('tau_mesh_messages_accepted_total{type="peer/gossip"}'))
    sent = delta('tau_mesh_gossip_bytes_total{direction="sent"}')
    received = delta('tau_mesh_gossip_bytes_total{direction="received"}')
    mean_rounds = sum(node_rounds) / len(nodes)
    per_round = [c / r for c, r in zip(cpu, node_rounds) if r > 0]
    print(f"  {name}: {elapsed:.1f} s = {elapsed / interval:.1f} intervals, {mean_rounds:.1f} rounds counted per node")
    print(f"    CPU: mesh total {sum(cpu):.2f} s = {sum(cpu) / elapsed:.2f} cores;"
          f" per node per round mean {1000 * sum(per_round) / max(len(per_round), 1):.1f} ms,"
          f" max {1000 * max(per_round or [0]):.1f} ms")
    if exchanges:
        print(f"    gossip exchanges {int(exchanges)}: {1000 * sum(cpu) / exchanges:.2f} ms of CPU per exchange (both sides, all work)")
    if sum(node_rounds):
        print(f"    gossip bytes per node per round: sent {sum(sent) / sum(node_rounds):.0f}, received {sum(received) / sum(node_rounds):.0f}")

def wait_until(what, check):
    started = time.monotonic()
    while True:
        done, detail = check()
        elapsed = time.monotonic() - started
        if done:
            return elapsed
        if elapsed > timeout:
            raise SystemExit(f"{what}: not reached after {timeout:.0f} s ({detail})")
        time.sleep(min(interval / 2, 0.5))

def poll_all(fn):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(fn, nodes))

try:
    ports = free_ports(count)
    nodes = []
    print(f"mesh-sim: {count} nodes, gossip every {interval:g} s, fanout {fanout}; initialising homes in {work}")
    def init(i):
        home = f"{work}/n{i}"
        url = f"http://127.0.0.1:{ports[i]}"
        out = json.loads(run(["init", "--home", home, "--name", f"n{i}", "--public-url", url, "--json"]))
        with open(f"{home}/config.toml", "w") as f:
            f.write(f'[node]\nname = "n{i}"\npublic_url = "{url}"\n[server]\nport = {ports[i]}\n'
                    f'[mesh]\ngossip_interval = "{interval:g}s"\ngossip_fanout = {fanout}\n'
                    + os.environ.get("MESH_SIM_CONFIG", "") + "\n")
        return {"i": i, "home": home, "url": url, "did": out["did"]}
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        nodes = list(pool.map(init, range(count)))
    dids = {n["did"] for n in nodes}
    for n in nodes:
        earlier = nodes[: n["i"]]
        n["peers"] = [p["url"] for p in rng.sample(earlier, min(len(earlier), rng.choice([1, 2])))]
        args = ["serve", "--home", n["home"], "--port", str(ports[n["i"]])]
        for peer in n["peers"]:
            args += ["--peer", peer]
        n["log"] = open(f"{n['home']}/serve.log", "w")
        process = subprocess.Popen([binary] + args, env=env, stdout=n["log"], stderr=subprocess.STDOUT)
        processes.append(process)
        n["pid"] = process.pid
    started = time.monotonic()
    def listening():
        up = 0
        for n in nodes:
            if os.path.exists(f"{n['home']}/operator.token"):
                try:
                    get(n["url"] + "/healthz")
                    up += 1
                except Exception:
                    pass
        for p in processes:
            if p.poll() is not None:
                raise SystemExit(f"a node exited early ({p.returncode}); see {work}/n*/serve.log (MESH_SIM_KEEP=1)")
        return up == count, f"{up} listening"
    wait_until("all nodes listening", listening)
    for n in nodes:
        with open(f"{n['home']}/operator.token") as f:
            n["token"] = f.read().strip()
    print(f"  all {count} listening after {time.monotonic() - started:.1f} s (start to listening, not counted in rounds)")

    def membership():
        def known(n):
            try:
                peers = json.loads(get(n["url"] + "/mesh/v1/peers", n["token"]))["peers"]
            except Exception:
                return 0
            return len({p["did"] for p in peers} & (dids - {n["did"]}))
        counts = poll_all(known)
        return all(c == count - 1 for c in counts), f"min {min(counts)} of {count - 1} known"
    before = snapshot()
    wait_until("full membership", membership)
    report("membership (every node knows N-1)", before, snapshot())

    subject = rng.choice(nodes)
    def held(version):
        def entries(n):
            try:
                return len(get(f"{n['url']}/mesh/v1/dids/{subject['did']}/log").splitlines())
            except Exception:
                return 0
        def check():
            counts = poll_all(entries)
            return all(c >= version for c in counts), f"{sum(c >= version for c in counts)} of {count} hold version {version}"
        return check
    before = snapshot()
    run(["id", "rotate", "--home", subject["home"]])
    wait_until("rotation everywhere", held(2))
    report(f"rotation of n{subject['i']} held by every node", before, snapshot())
    before = snapshot()
    run(["id", "revoke", "--home", subject["home"], "--yes"])
    wait_until("revocation everywhere", held(3))
    report(f"revocation of n{subject['i']} held by every node", before, snapshot())

    # Let the mesh mark the revoked node dead, then measure without polling.
    time.sleep(4 * interval)
    before = snapshot()
    time.sleep(quiet_rounds * interval)
    report(f"quiet window ({quiet_rounds} intervals, no polling)", before, snapshot())
finally:
    for p in processes:
        if p.poll() is None:
            p.terminate()
    deadline = time.monotonic() + 15
    for p in processes:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
PY
