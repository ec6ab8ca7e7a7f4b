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
# The registry tests need a Schema Registry and the Java interop client: both are JVM work that starts
# first (a registry already in stack.env is reused; the client build is cached).
background=()
mkdir -p "$OTKLIK_STATE_DIR"
if [ -z "${SCHEMA_REGISTRY_URL:-}" ]; then
  log "starting the Schema Registry (scripts/registry) alongside the static checks"
  bash scripts/registry/registry.sh start > "$OTKLIK_STATE_DIR/registry-test.out" &
  background+=("$!")
fi
# Not waited for before the tests start: the registry tests call build.sh themselves, which waits on the
# same lock and then finds the client built.
bash test/interop/registry-java/build.sh > /dev/null &
java_build_pid=$!
# The processes the integration tests start (workers, sweepers, the analytics sink: over a hundred of
# them) run from a compiled copy of services/: a start from TypeScript through tsx costs about twice the
# CPU. Built fresh at every run, so it is never older than the sources; a bare `vitest run` runs them
# from source instead (services/runtime/launch.ts).
export OTKLIK_BUILD_DIR="$OTKLIK_ROOT/.otklik/test-build"
npx tsx scripts/build.ts --out "$OTKLIK_BUILD_DIR" > /dev/null &
background+=("$!")
# The static checks run beside the tests rather than before them: the integration files spend much of
# their time waiting (outage windows, rebalances, JVM start-ups), and the checks fill that time. Their
# output is printed when they end; the command fails if they or the tests fail.
log "static checks (tsc --noEmit, eslint, prettier --check, generated schema types) alongside the tests"
check_output="$OTKLIK_STATE_DIR/check.out"
(
  if npm run --silent check >"$check_output" 2>&1; then
    log "static checks passed"
  else
    cat "$check_output" >&2
    log "static checks FAILED (above)"
    exit 1
  fi
) &
check_pid=$!
for pid in "${background[@]}"; do
  wait "$pid" || die "starting the Schema Registry or compiling services/ failed (see above)"
done
if [ -z "${SCHEMA_REGISTRY_URL:-}" ]; then
  SCHEMA_REGISTRY_URL="$(tail -n 1 "$OTKLIK_STATE_DIR/registry-test.out" | sed -n 's/^SCHEMA_REGISTRY_URL=//p')"
  [ -n "$SCHEMA_REGISTRY_URL" ] || die "registry.sh start did not report an address"
  export SCHEMA_REGISTRY_URL
fi
log "unit and integration tests (vitest)"
tests_status=0
npx vitest run "$@" || tests_status=$?
check_status=0
wait "$check_pid" || check_status=$?
wait "$java_build_pid" || true # its failure, if any, failed the registry tests with Maven's output
log "test command finished in $(( $(date +%s) - started )) s"
[ "$check_status" -eq 0 ] || die "the static checks failed (their output is above)"
[ "$tests_status" -eq 0 ] || die "tests failed"
