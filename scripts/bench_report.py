#!/usr/bin/env python3
"""Reads package-benchmark's baselines of the Benchmarks/ package
(`.benchmarkBaselines/<target>/<name>/results.json`, written by `benchmark baseline update
<name>`) and prints the figures of docs/performance.md (`summary NAME`) or compares a run with
the checked-in baseline (`compare REFERENCE CURRENT TOLERANCE_PERCENT`). The percentiles are
read from the HDR histograms the baselines hold, as package-benchmark computes them. Used by
scripts/bench-all.sh and scripts/bench-compare.sh."""
import glob
import math
import os
import re
import sys

KIB = 1024
BASELINES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Benchmarks", ".benchmarkBaselines")
# package-benchmark's metric names (as it prints them) and the unit its histograms hold.
METRICS = {"wallClock": ("Time (wall clock)", 1e-3), "cpuTotal": ("Time (total CPU)", 1e-3), "mallocCountTotal": ("Malloc (total)", 1)}


def percentile(histogram, p):
    """HdrHistogram's valueAtPercentile (hdrhistogram-swift 0.2.0), on the encoded histogram."""
    counts, total = histogram["counts"], histogram["_totalCount"]
    magnitude, unit = histogram["subBucketHalfCountMagnitude"], histogram["unitMagnitude"]
    half = 1 << magnitude
    smallest = 0 if counts and counts[0] > 0 else histogram["minNonZeroValue"]
    wanted = max(1, math.ceil(math.nextafter(p, 0) * total / 100))
    running = 0
    for index, count in enumerate(counts):
        running += count
        if running >= wanted:
            bucket, sub = (index >> magnitude) - 1, (index & (half - 1)) + half
            if bucket < 0:
                bucket, sub = 0, sub - half
            highest = (sub << (bucket + unit)) + (1 << (bucket + unit)) - 1
            return max(min(highest, histogram["maxValue"]), smallest)
    return 0


def mean(histogram):
    counts, total = histogram["counts"], histogram["_totalCount"]
    magnitude, unit = histogram["subBucketHalfCountMagnitude"], histogram["unitMagnitude"]
    half = 1 << magnitude
    weighted = 0
    for index, count in enumerate(counts):
        if count:
            bucket, sub = (index >> magnitude) - 1, (index & (half - 1)) + half
            if bucket < 0:
                bucket, sub = 0, sub - half
            weighted += count * ((sub << (bucket + unit)) + ((1 << (bucket + unit)) >> 1))
    return weighted / total if total else 0


def load(name):
    """{(target, benchmark): {metric: p50, metric + " mean": mean}} of baseline `name`; times in µs."""
    import json

    figures = {}
    paths = sorted(glob.glob(os.path.join(BASELINES, "*", name, "results.json")))
    if not paths:
        sys.exit(f"no baseline '{name}' in {os.path.normpath(BASELINES)}")
    for path in paths:
        with open(path) as handle:
            results = json.load(handle)["results"]
        # A dictionary with non-string keys is encoded as [key, value, key, value, ...].
        for identifier, values in zip(results[0::2], results[1::2]):
            metrics = {}
            for result in values:
                kind = next(iter(result["metric"]))
                if kind == "custom":
                    label, scale = result["metric"]["custom"]["_0"], 1
                elif kind in METRICS:
                    label, scale = METRICS[kind]
                else:
                    continue
                histogram = result["statistics"]["histogram"]
                metrics[label] = percentile(histogram, 50.0) * scale
                metrics[label + " mean"] = mean(histogram) * scale
            figures[(identifier["target"], identifier["name"])] = metrics
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
    print(f"{'benchmark':<84} {'p50 µs':>10} {'mallocs':>9}")
    for (target, name), metrics in sorted(figures.items()):
        mallocs = metrics.get("Malloc (total)")
        print(f"{target + ': ' + name:<84} {wall(metrics) or 0:>10.2f} {'' if mallocs is None else int(mallocs):>9}")
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
    print(f"{'benchmark':<84} {'metric':<18} {'baseline':>10} {'now':>10} {'change':>8}")
    for key in sorted(current):
        if key not in reference:
            print(f"{key[0] + ': ' + key[1]:<84} {'(new: no baseline)':<18}")
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
            print(f"{key[0] + ': ' + key[1]:<84} {metric:<18} {before:>10.2f} {now:>10.2f} {change:>+8.1%}{flag}")
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
        sys.exit("usage: bench_report.py summary NAME | compare REFERENCE CURRENT TOLERANCE_PERCENT")
