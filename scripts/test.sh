#!/usr/bin/env bash
# The test command (`npm test`): installs what is missing, then type checking, lint and format checks,
# unit tests, and integration tests on a real Kafka broker, a real Redis (found or started by
# test/support/global-setup.ts: given addresses, `npm run stack:up`'s stack, testcontainers, or the
# local scripts, in that order) and a real Schema Registry (stack.env's, or started here).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$OTKLIK_ROOT"
ensure_node_modules
ensure_chromium
load_stack_env

started=$(date +%s)
# The registry tests need a Schema Registry and the Java interop client: both are JVM work that runs
# while the static checks do (a registry already in stack.env is reused; the client build is cached).
background=()
mkdir -p "$OTKLIK_STATE_DIR"
if [ -z "${SCHEMA_REGISTRY_URL:-}" ]; then
  log "starting the Schema Registry (scripts/registry) alongside the static checks"
  bash scripts/registry/registry.sh start > "$OTKLIK_STATE_DIR/registry-test.out" &
  background+=("$!")
fi
bash test/interop/registry-java/build.sh > /dev/null &
background+=("$!")
# The processes the integration tests start (workers, sweepers, the analytics sink: over a hundred of
# them) run from a compiled copy of services/: a start from TypeScript through tsx costs about twice the
# CPU. Built fresh at every run, so it is never older than the sources; a bare `vitest run` runs them
# from source instead (services/runtime/launch.ts).
export OTKLIK_BUILD_DIR="$OTKLIK_ROOT/.otklik/test-build"
npx tsx scripts/build.ts --out "$OTKLIK_BUILD_DIR" > /dev/null &
background+=("$!")
log "static checks: tsc --noEmit, eslint, prettier --check, generated schema types"
npm run --silent check
for pid in "${background[@]}"; do
  wait "$pid" || die "starting the Schema Registry, building the Java interop client or compiling services/ failed (see above)"
done
if [ -z "${SCHEMA_REGISTRY_URL:-}" ]; then
  SCHEMA_REGISTRY_URL="$(tail -n 1 "$OTKLIK_STATE_DIR/registry-test.out" | sed -n 's/^SCHEMA_REGISTRY_URL=//p')"
  [ -n "$SCHEMA_REGISTRY_URL" ] || die "registry.sh start did not report an address"
  export SCHEMA_REGISTRY_URL
fi
log "unit and integration tests (vitest)"
npx vitest run "$@"
log "test command finished in $(( $(date +%s) - started )) s"
