#!/usr/bin/env bash
# Configures an extra build folder (Ninja, Release with debug info, ccache when
# the machine has it) with the given CMake options, for the instrumented
# builds of scripts/test.sh --sanitize and scripts/fuzz.sh:
#   scripts/configure-build.sh DIR [-DOPTION=VALUE ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
shift
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >/dev/null
