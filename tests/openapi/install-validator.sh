#!/usr/bin/env bash
# Installs the OpenAPI validator into TOOLS_DIR with `npm ci`: exactly the
# versions and hashes of package-lock.json. ctest runs it before the tests
# that use it (tests/CMakeLists.txt); it fails, and they are not run, when
# npm is missing or the npm registry cannot be reached and the packages are
# not in npm's cache. Never skipped.
#   tests/openapi/install-validator.sh TOOLS_DIR
set -euo pipefail
tools=${1:?usage: install-validator.sh TOOLS_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm >/dev/null 2>&1; then
  echo "install-validator: npm is missing (scripts/install-deps.sh installs nodejs and npm)" >&2
  exit 1
fi
mkdir -p "$tools"
cp "$here/package.json" "$here/package-lock.json" "$tools/"
cd "$tools"
npm ci --no-audit --no-fund --loglevel=error
node -e 'require.resolve("@seriousme/openapi-schema-validator"); require.resolve("ajv/dist/2020")'
echo "install-validator: $(node --version), validator $(node -p 'require("@seriousme/openapi-schema-validator/package.json").version') in $tools"
