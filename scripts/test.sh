#!/usr/bin/env bash
# The whole test suite, from a fresh clone: toolchain, type check, n8n lint, then vitest
# (unit, loopback-HTTP integration, in-process n8n engine, and a real n8n 2.x end to end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh all
echo "== typecheck"; npx tsc --noEmit -p .
echo "== n8n-node lint"; npx n8n-node lint
echo "== vitest"
mkdir -p .artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=.artifacts/vitest.json "$@" || status=$?
# One closing line any CI can read: "tests: N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync(".artifacts/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' || true
exit "$status"
