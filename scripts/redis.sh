#!/usr/bin/env bash
# Finds or starts the Redis the project uses.
#   redis.sh up    -> prints REDIS_URL=... on its last line
#                     REDIS_URL when set; else 127.0.0.1:6379 when it answers; else starts a local
#                     redis-server on REDIS_PORT (default 6379) with its files under .otklik/redis.
#   redis.sh down  -> stops the redis-server this script started (never one it merely found)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

REDIS_DIR="$OTKLIK_STATE_DIR/redis"
PID_FILE="$REDIS_DIR/redis.pid"
REDIS_PORT="${REDIS_PORT:-6379}"

answers() { # host port
  if command -v redis-cli >/dev/null; then
    [ "$(redis-cli -h "$1" -p "$2" ping 2>/dev/null)" = "PONG" ]
  else
    (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null
  fi
}

up() {
  if [ -n "${REDIS_URL:-}" ]; then
    log "using REDIS_URL from the environment"
    echo "REDIS_URL=$REDIS_URL"; return
  fi
  if answers 127.0.0.1 "$REDIS_PORT"; then
    log "Redis already answers on 127.0.0.1:$REDIS_PORT, reusing it"
    # The SLA layout keeps each open record in one hash field: the roles refuse a Redis whose
    # hash-max-listpack-value is below 256 (services/adapters/redis/redis-settings.ts). A local Redis
    # found here is the development one: set it, at run time (CONFIG SET; nothing is restarted).
    if command -v redis-cli >/dev/null; then
      local lp; lp="$(redis-cli -p "$REDIS_PORT" config get hash-max-listpack-value 2>/dev/null | tail -n 1)"
      if [ -n "$lp" ] && [ "$lp" -lt 256 ] 2>/dev/null; then
        if [ "$(redis-cli -p "$REDIS_PORT" config set hash-max-listpack-value 256 2>/dev/null)" = "OK" ]; then
          log "set its hash-max-listpack-value from $lp to 256 (CONFIG SET)"
        else
          log "warning: its hash-max-listpack-value is $lp and CONFIG SET was refused; the roles refuse it below 256 unless OTKLIK_REDIS_ACCEPT_SMALL_LISTPACK=1"
        fi
      fi
    fi
    echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"; return
  fi
  command -v redis-server >/dev/null || die "no Redis answers on 127.0.0.1:$REDIS_PORT and redis-server is not installed (apt-get install redis-server, or set REDIS_URL)"
  mkdir -p "$REDIS_DIR"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (logs: $REDIS_DIR/redis.log)"
  # noeviction (Redis's default, said out loud): the roles refuse a Redis that may evict SLA state.
  # hash-max-listpack-value 256: the SLA layout keeps each open record in one hash field (the roles
  # check it at start: services/adapters/redis/redis-settings.ts).
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --maxmemory-policy noeviction --hash-max-listpack-value 256 --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" --pidfile "$PID_FILE" >/dev/null
  for _ in $(seq 1 50); do
    if answers 127.0.0.1 "$REDIS_PORT"; then echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"; return; fi
    sleep 0.1
  done
  die "redis-server did not answer within 5 s; see $REDIS_DIR/redis.log"
}

down() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    log "stopping the redis-server we started (pid $(cat "$PID_FILE"))"
    kill "$(cat "$PID_FILE")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: redis.sh up|down" ;;
esac
