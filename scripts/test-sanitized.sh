#!/usr/bin/env bash
# The whole ctest suite under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer, in build-sanitize/. Every binary is
# instrumented, including the video-service the tests start as a child.
# Reports go to build-sanitize/sanitizer-logs/ (children's too, whose exit
# codes a test may not look at); any report fails the run and is printed.
# Called as scripts/test.sh --sanitize [ctest arguments].
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
./scripts/install-deps.sh
CC=clang CXX=clang++ ./scripts/configure-build.sh build-sanitize -DVS_SANITIZE=address,undefined
cmake --build build-sanitize -j "$(nproc)"

logs=$root/build-sanitize/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
# halt_on_error / -fno-sanitize-recover: the first finding stops the process.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:log_path=$logs/asan"
export LSAN_OPTIONS="suppressions=$root/cmake/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"

status=0
(cd build-sanitize && ctest --output-on-failure -j "$(nproc)" "$@") || status=$?

reports=$(find "$logs" -type f | sort)
if [ -n "$reports" ]; then
  for report in $reports; do
    echo "==== $report"
    cat "$report"
  done
  echo "test-sanitized: $(echo "$reports" | wc -l) sanitizer report(s) above"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
