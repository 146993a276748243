#!/usr/bin/env bash
# The whole test suite, from a fresh clone: toolchain, type check, n8n lint, then vitest
# (unit, loopback-HTTP integration, in-process n8n engine, and a real n8n 2.x end to end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh all
echo "== typecheck"; npx tsc --noEmit -p .
echo "== n8n-node lint"; npx n8n-node lint
echo "== vitest"; npx vitest run "$@"
