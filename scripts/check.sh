#!/usr/bin/env bash
# The static checks (`npm run check`): the type check runs alongside lint, the format check and the
# generated schema types check. Each is a single-threaded node process, so on a 2-core machine the
# pair takes about the longer of the two instead of their sum. tsc's output is printed when it ends.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$OTKLIK_ROOT"
bin=node_modules/.bin

tsc_output=$(mktemp)
trap 'rm -f "$tsc_output"' EXIT
"$bin/tsc" --noEmit >"$tsc_output" 2>&1 &
tsc_pid=$!

status=0
"$bin/eslint" . && "$bin/prettier" --check . && "$bin/tsx" scripts/generate-schema-types.ts --check || status=$?
wait "$tsc_pid" || status=1
cat "$tsc_output"
exit "$status"
