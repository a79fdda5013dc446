#!/usr/bin/env bash
# Installs every Debian 12 package video-service needs to build, run and test.
# Idempotent: packages already present are skipped, so a warm machine pays nothing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libcaf-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libebur128-dev
  libhiredis-dev libcpp-httplib-dev nlohmann-json3-dev libstb-dev
  libspdlog-dev libcli11-dev
  libssl-dev openssl  # webhooks: HMAC-SHA256 signatures (OpenSSL::Crypto); tests make TLS certificates
  libass-dev fonts-noto-core fonts-noto-cjk
  # SHA-256 content addresses of uploads (OpenSSL's EVP).
  libssl-dev
  # standalone mode's job store (store/job_store): SQLite
  libsqlite3-dev
  catch2
  ffmpeg redis-server curl
  strace
  # tests/browser: the dashboard in headless Chromium through Selenium (H.264 plays in Debian's build).
  chromium chromium-driver python3-selenium
  # scripts/test.sh --sanitize and scripts/fuzz.sh: clang with its ASan, UBSan
  # and libFuzzer runtimes (libclang-rt-14-dev).
  clang libclang-rt-14-dev
)
# tests/openapi: the OpenAPI validator runs on Node, installed with npm ci.
# Only when npm is missing: a Node that brings its own npm (NodeSource's
# nodejs provides and conflicts with Debian's npm package) is kept.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
