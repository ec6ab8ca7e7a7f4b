#!/usr/bin/env bash
# The main job (`npm run demo`): installs what is missing, starts the local stack (Kafka from Maven jars
# and Redis, reused when already running), then runs two workers and a sweeper fed with sample comments
# under a seconds-long demo policy, printing what they decide. DEMO_DURATION_SEC sets how long (75 s).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$OTKLIK_ROOT"
ensure_node_modules
bash scripts/stack.sh up >/dev/null
load_stack_env
exec node --import tsx services/apps/demo/main.ts
