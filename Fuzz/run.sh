#!/usr/bin/env bash
# Builds the libFuzzer targets with -sanitize=fuzzer,address and runs each for a
# bounded time (FUZZ_SECONDS per target, default 60) on its seed corpus. An input that
# runs longer than FUZZ_TIMEOUT seconds (default 25) counts as a hang. Crashes, hangs and
# out-of-memory inputs are written to Fuzz/.out/<corpus>/ and make the script fail.
# FUZZ_TARGETS="JSONFuzzer SSEFuzzer" runs only the targets named.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-60}"
timeout="${FUZZ_TIMEOUT:-25}"
build=(swift build --package-path . --scratch-path ../.build-fuzz -c debug)
"${build[@]}" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
bin="$("${build[@]}" --show-bin-path)"

run() {
  local target="$1" corpus="$2"
  [[ -z "${FUZZ_TARGETS:-}" || " $FUZZ_TARGETS " == *" $target "* ]] || return 0
  mkdir -p ".out/$corpus"
  # Work on a copy so that inputs found by the run do not dirty the checked-in corpus.
  local work
  work="$(mktemp -d)"
  cp "corpus/$corpus"/* "$work/"
  "$bin/$target" "$work" -max_total_time="$seconds" -timeout="$timeout" -max_len=65536 \
    -artifact_prefix=".out/$corpus/" -print_final_stats=1
  echo "$target: no crash in ${seconds}s ($(ls "$work" | wc -l) corpus inputs)"
  rm -rf "$work"
}

run DIDLogFuzzer did-log
run EnvelopeFuzzer envelope
run SSEFuzzer sse
run JSONFuzzer json
run GatewayRequestFuzzer gateway-request
run DIDDocumentFuzzer did-document
