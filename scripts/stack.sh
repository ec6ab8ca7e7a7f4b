#!/usr/bin/env bash
# The local stack without Docker: a single-node KRaft Kafka broker (scripts/kafka) and Redis.
#   stack.sh up    starts (or reuses) both, writes their addresses to .otklik/stack.env and prints them
#   stack.sh down  stops what `up` started
# Later commands (tests, demo, benchmarks) read .otklik/stack.env, so they find the stack unaided.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

up() {
  mkdir -p "$OTKLIK_STATE_DIR"
  local kafka_line redis_line
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    log "using KAFKA_BROKERS from the environment"
    kafka_line="KAFKA_BROKERS=$KAFKA_BROKERS"
  else
    kafka_line="$(bash "$OTKLIK_ROOT/scripts/kafka/kafka.sh" start | tail -n 1)"
  fi
  redis_line="$(bash "$OTKLIK_ROOT/scripts/redis.sh" up | tail -n 1)"
  case "$kafka_line" in KAFKA_BROKERS=*) ;; *) die "kafka.sh start did not report an address";; esac
  case "$redis_line" in REDIS_URL=*) ;; *) die "redis.sh up did not report an address";; esac
  printf '# written by scripts/stack.sh up\n%s\n%s\n' "$kafka_line" "$redis_line" > "$STACK_ENV_FILE"
  echo "$kafka_line"
  echo "$redis_line"
}

down() {
  bash "$OTKLIK_ROOT/scripts/kafka/kafka.sh" stop || true
  bash "$OTKLIK_ROOT/scripts/redis.sh" down || true
  rm -f "$STACK_ENV_FILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: stack.sh up|down" ;;
esac
