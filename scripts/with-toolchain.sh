#!/usr/bin/env bash
# Runs a command with the project's toolchain (Node 24, dependencies, pinned n8n) in place,
# installing whatever is missing first. Example: bash scripts/with-toolchain.sh node x.ts
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh" all
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=MODULE_TYPELESS_PACKAGE_JSON"
exec "$@"
