# Shared helpers for the project's shell scripts. Sourced, not run.
# shellcheck shell=bash

OTKLIK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OTKLIK_STATE_DIR="${OTKLIK_STATE_DIR:-$OTKLIK_ROOT/.otklik}"
STACK_ENV_FILE="$OTKLIK_STATE_DIR/stack.env"

log() { printf '[otklik] %s\n' "$*" >&2; }
die() { printf '[otklik] error: %s\n' "$*" >&2; exit 1; }

# Installs node_modules from the lock file when they are missing or older than the lock.
ensure_node_modules() {
  command -v node >/dev/null || die "Node.js 20 is required (node not found on PATH)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js >= 20 is required, found $(node --version)"
  if [ ! -d "$OTKLIK_ROOT/node_modules" ] || [ "$OTKLIK_ROOT/package-lock.json" -nt "$OTKLIK_ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$OTKLIK_ROOT" && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
}

# Exports KAFKA_BROKERS / REDIS_URL from the file `stack:up` wrote, unless already set by the caller.
load_stack_env() {
  if [ -f "$STACK_ENV_FILE" ]; then
    local line key value
    while IFS= read -r line; do
      case "$line" in ''|'#'*) continue ;; esac
      key="${line%%=*}"; value="${line#*=}"
      if [ -z "${!key:-}" ]; then export "$key=$value"; fi
    done < "$STACK_ENV_FILE"
  fi
}

# The ops board's browser test drives Debian's Chromium (no browser download): install it when missing.
ensure_chromium() {
  if command -v chromium >/dev/null; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium for the board's browser test"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >&2
  else
    log "chromium is not installed and cannot be installed here: the board's browser test will fail"
  fi
}
