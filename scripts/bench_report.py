#!/usr/bin/env python3
"""Reads package-benchmark's JMH exports (`baseline read NAME --format jmh`) of the Benchmarks/
package and prints the figures of docs/performance.md (`summary`) or compares a run against
the checked-in baseline (`compare`). Used by scripts/bench-all.sh and scripts/bench-compare.sh."""
import json
import re
import sys

KIB = 1024


def load(path):
    """{(target, name): {metric: p50, metric + " mean": mean}} from a JMH export; times in µs."""
    figures = {}
    with open(path) as handle:
        elements = json.load(handle)
    for element in elements:
        match = re.match(r"package\.benchmark\.([^.]+)\.(.*)$", element["benchmark"])
        target, name = match.group(1), match.group(2).replace("_", " ")
        metrics = {"throughput": element["primaryMetric"]["scorePercentiles"]["50.0"]}
        for metric, values in (element.get("secondaryMetrics") or {}).items():
            metrics[metric] = values["scorePercentiles"]["50.0"]
            metrics[metric + " mean"] = values["score"]
        figures[(target, name)] = metrics
    return figures


def find(figures, pattern):
    for (target, name), metrics in figures.items():
        if re.search(pattern, name):
            return metrics
    return None


def wall(metrics):
    return metrics.get("Time (wall clock)") if metrics else None


def summary(path):
    figures = load(path)
    print(f"{'benchmark':<72} {'p50 µs':>10} {'mallocs':>9}")
    for (target, name), metrics in sorted(figures.items()):
        mallocs = metrics.get("Malloc (total)")
        print(f"{target + ': ' + name:<72} {wall(metrics) or 0:>10.2f} {'' if mallocs is None else int(mallocs):>9}")
    print()
    print("Derived figures (p50):")
    raw = wall(find(figures, r"^ed25519 verify"))
    for sender in ["did:key", "did:tau"]:
        opened = wall(find(figures, rf"^envelope open .*{sender} sender"))
        if raw and opened:
            print(f"  envelope open, {sender} sender: {1e6 / opened:,.0f} /s; raw verify {1e6 / raw:,.0f} /s;"
                  f" open/raw throughput ratio {raw / opened:.0%} (target >= 70%)")
    for entries in [1, 16, 256]:
        value = wall(find(figures, rf"^did:tau log verify, {entries} entries$"))
        if value:
            print(f"  did:tau log verify, {entries} entries: {value / entries:,.1f} µs per entry")
    for kibibytes in [1, 16, 256]:
        value = wall(find(figures, rf"^JCS canonicalBytes, {kibibytes} KiB"))
        if value:
            print(f"  JCS canonicalBytes, {kibibytes} KiB: {value / kibibytes:,.2f} µs per KiB ({kibibytes * KIB / value:,.0f} MB/s)")
    for (target, name), metrics in figures.items():
        size = re.search(r"^SSE parse.* (\d+) bytes", name)
        if size and wall(metrics):
            print(f"  SSE parse: {int(size.group(1)) / wall(metrics):,.0f} MB/s ({int(size.group(1)):,} bytes per iteration)")
    for kibibytes in [1, 16]:
        value = wall(find(figures, rf"^token estimate, {kibibytes} KiB"))
        if value:
            print(f"  token estimate, {kibibytes} KiB: {value / kibibytes:,.2f} µs per KiB ({kibibytes * KIB / value:,.0f} MB/s)")
    for streamed in ["plain", "streamed"]:
        value = wall(find(figures, rf"^gateway chat completion in process, {streamed}$"))
        if value:
            print(f"  gateway chat completion in process, {streamed}: {value:,.0f} µs, {1e6 / value:,.0f} requests/s on one core")
    turn = wall(find(figures, r"^1 turn, instant model, sessions in memory$"))
    if turn:
        print(f"  agent turn, instant model, sessions in memory: {turn:,.0f} µs")
    for backend in ["SQLite", "PostgreSQL"]:
        value = wall(find(figures, rf"^escrow open\+result\+release, {backend}$"))
        if value:
            print(f"  escrow open+result+release, {backend}: {1e6 / value:,.0f} cycles/s on one connection")
    for peers in [10, 50]:
        metrics = find(figures, rf"^gossip exchange, {peers} peers")
        if metrics:
            # The process's CPU time is read in scheduler ticks (10 ms): only its mean means anything.
            cpu = metrics.get("Time (total CPU) mean")
            size = metrics.get("bytes per exchange")
            print(f"  gossip exchange, {peers} peers: {wall(metrics):,.0f} µs wall"
                  + (f", {cpu:,.0f} µs CPU (mean)" if cpu else "") + (f", {int(size):,} bytes" if size else ""))


COMPARED = [("Time (wall clock)", "µs"), ("Malloc (total)", "#"), ("bytes per exchange", "B")]


def compare(reference_path, current_path, tolerance):
    reference, current = load(reference_path), load(current_path)
    regressions = 0
    print(f"{'benchmark':<70} {'metric':<18} {'baseline':>10} {'now':>10} {'change':>8}")
    for key in sorted(current):
        if key not in reference:
            print(f"{key[0] + ': ' + key[1]:<70} {'(new: no baseline)':<18}")
            continue
        for metric, _ in COMPARED:
            before, now = reference[key].get(metric), current[key].get(metric)
            if before is None or now is None:
                continue
            change = (now - before) / before if before else 0.0
            # Counts of a few mallocs or bytes move by one without meaning anything.
            worse = change > tolerance and (metric == "Time (wall clock)" or now - before > 2)
            regressions += worse
            flag = "  REGRESSION" if worse else ""
            print(f"{key[0] + ': ' + key[1]:<70} {metric:<18} {before:>10.2f} {now:>10.2f} {change:>+8.1%}{flag}")
    print()
    if regressions:
        print(f"{regressions} figure(s) worse than the baseline by more than {tolerance:.0%} (p50).")
        return 1
    print(f"No figure worse than the baseline by more than {tolerance:.0%} (p50).")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "summary":
        summary(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], float(sys.argv[4]) / 100))
    else:
        sys.exit("usage: bench_report.py summary EXPORT.json | compare BASELINE.json CURRENT.json TOLERANCE_PERCENT")
