#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest prints the summary).
#   scripts/test.sh             build/ as scripts/build.sh makes it
#   scripts/test.sh --sanitize  the same suite under ASan + UBSan, in build-sanitize/
#                               (docs/fuzzing.md, "Sanitizers")
# Further arguments go to ctest, e.g. scripts/test.sh --sanitize -R 'api:'.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--sanitize" ]; then
  shift
  exec ./scripts/test-sanitized.sh "$@"
fi
./scripts/install-deps.sh
./scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
