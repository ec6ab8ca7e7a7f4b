#!/usr/bin/env bash
# The test command (`npm test`): installs what is missing, then type checking, lint and format checks,
# unit tests, and integration tests on a real Kafka broker and a real Redis (found or started by
# test/support/global-setup.ts: given addresses, `npm run stack:up`'s stack, testcontainers, or the
# local scripts, in that order).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$OTKLIK_ROOT"
ensure_node_modules
ensure_chromium
load_stack_env

started=$(date +%s)
log "static checks: tsc --noEmit, eslint, prettier --check, generated schema types"
npm run --silent check
log "unit and integration tests (vitest)"
npx vitest run "$@"
log "test command finished in $(( $(date +%s) - started )) s"
