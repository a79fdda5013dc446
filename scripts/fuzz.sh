#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, build-fuzz/) and runs one
# target, or each in turn, for SECONDS (docs/fuzzing.md):
#   scripts/fuzz.sh job_json 600
#   scripts/fuzz.sh all 60
# Seeds come from fuzz/corpus/TARGET/ (never written); inputs the fuzzer finds
# go to build-fuzz/corpus/TARGET/, crashes to build-fuzz/crashes/TARGET/ (and
# are printed), the full log to build-fuzz/logs/TARGET.log. Exits non-zero if
# any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS" >&2
  exit 2
fi
wanted=${1%_fuzz}
seconds=$2

./scripts/install-deps.sh
CC=clang CXX=clang++ ./scripts/configure-build.sh build-fuzz -DVS_FUZZ=ON -DBUILD_TESTING=OFF
cmake --build build-fuzz -j "$(nproc)" --target fuzz_targets

targets=()
for binary in build-fuzz/fuzz/*_fuzz; do
  name=$(basename "$binary" _fuzz)
  [ "$wanted" = all ] || [ "$wanted" = "$name" ] && targets+=("$name")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no target '$1'; have: $(cd build-fuzz/fuzz && ls | sed 's/_fuzz$//' | tr '\n' ' ')" >&2
  exit 2
fi

# Extra options per target. image: the target decodes under a 1 MP limit, so
# no legitimate decode comes near 128 MB; a larger allocation means the
# limit does not bound a decode's memory.
options_for() {
  case $1 in
    image) echo "-malloc_limit_mb=128" ;;
  esac
}

# A UBSan finding aborts; no leak check per input (libFuzzer's own at exit suffices).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="detect_leaks=1"

crashed=()
for name in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$name
  crashes=build-fuzz/crashes/$name
  log=build-fuzz/logs/$name.log
  rm -rf "$crashes"  # only this run's crashes
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")" "fuzz/corpus/$name"
  echo "fuzz: $name for $seconds s"
  # shellcheck disable=SC2046
  if ! "build-fuzz/fuzz/${name}_fuzz" "$corpus" "fuzz/corpus/$name" -max_total_time="$seconds" \
      -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/" \
      $(options_for "$name") >"$log" 2>&1; then
    crashed+=("$name")
  fi
  # The last status line (coverage, corpus, execs/s) and the totals.
  grep -E '^#[0-9]+' "$log" | tail -1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' ' || true
  echo
  for artifact in "$crashes"/*; do
    [ -e "$artifact" ] || continue
    echo "fuzz: $name saved $artifact"
  done
done

if [ ${#crashed[@]} -gt 0 ]; then
  for name in "${crashed[@]}"; do
    echo "==== $name: build-fuzz/logs/$name.log"
    grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|^[a-z_]+_fuzz: ' \
      "build-fuzz/logs/$name.log" | head -80
  done
  echo "fuzz: crashed: ${crashed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), no crash"
