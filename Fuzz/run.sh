#!/usr/bin/env bash
# Builds the libFuzzer targets with -sanitize=fuzzer,address and runs each for a
# bounded time (FUZZ_SECONDS, default 60) on its seed corpus. Crashes are written
# to Fuzz/.out/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-60}"
mkdir -p .out/did-log
swift build --package-path . --scratch-path ../.build-fuzz -c debug \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product DIDLogFuzzer

binary="$(swift build --package-path . --scratch-path ../.build-fuzz -c debug --show-bin-path)/DIDLogFuzzer"
# Work on a copy so that new inputs found by the run do not dirty the checked-in corpus.
work="$(mktemp -d)"
cp corpus/did-log/* "$work/"
"$binary" "$work" -max_total_time="$seconds" -max_len=65536 -artifact_prefix=.out/did-log/ -print_final_stats=1
echo "DIDLogFuzzer: no crash in ${seconds}s ($(ls "$work" | wc -l) corpus inputs)"
rm -rf "$work"
