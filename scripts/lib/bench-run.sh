# Runs the Benchmarks/ package and keeps the run as a baseline; sourced by bench-all.sh and
# bench-compare.sh. Usage: run_benchmarks <baseline name> [benchmark baseline update options]
#
# The benchmarks run pinned to one core (TAU_BENCH_CPU: a core number, the last core by
# default; "none" runs them unpinned). On an idle machine an async benchmark's task moves
# between cores from one iteration to the next and runs with cold caches: envelope open moved
# by 10% between runs that way, while a pinned run repeats within 2%. The build runs first,
# on every core; PostgreSQL (scripts/with-postgres.sh) is not pinned.
run_benchmarks() {
  local baseline="$1"
  shift
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  local cpu="${TAU_BENCH_CPU:-$(($(nproc) - 1))}"
  local pin=()
  # SwiftPM reuses its build plan when only files of the path dependency (the node's own
  # Sources/) were added, and then fails on code in the new files; planning again costs seconds.
  rm -f "$root/Benchmarks/.build/release/description.json" "$root/Benchmarks/.build/release.yaml"
  if [[ "$cpu" != none ]] && command -v taskset >/dev/null 2>&1; then
    (cd "$root/Benchmarks" && swift build -c release >&2)
    pin=(taskset -c "$cpu")
    echo "benchmarks pinned to core $cpu (TAU_BENCH_CPU=none to run them unpinned)" >&2
  fi
  # A run replaces the baseline of the targets it runs (all of them without --target), and
  # only those: `--target Codecs` with the reference baseline must not drop the others'.
  # (With --filter, the target's other benchmarks leave that baseline: record whole targets.)
  local targets=() args=("$@") i
  for ((i = 0; i < ${#args[@]}; i++)); do
    [[ "${args[i]}" == --target ]] && targets+=("${args[i + 1]:-}")
  done
  if ((${#targets[@]})); then
    for i in "${targets[@]}"; do rm -rf "$root/Benchmarks/.benchmarkBaselines/$i/$baseline"; done
  else
    rm -rf "$root"/Benchmarks/.benchmarkBaselines/*/"$baseline"
  fi
  (cd "$root/Benchmarks" && "$root/scripts/with-postgres.sh" "${pin[@]}" swift package --allow-writing-to-package-directory \
    benchmark baseline update "$baseline" --time-units microseconds --no-progress "$@")
}
