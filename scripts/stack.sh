#!/usr/bin/env bash
# The local stack without Docker: a single-node KRaft Kafka broker (scripts/kafka) and Redis, and with
# --registry (or OTKLIK_REGISTRY=1) a Schema Registry (scripts/registry, Apicurio, started alongside
# the broker).
#   stack.sh up [--registry]  starts (or reuses) them, writes their addresses to .otklik/stack.env and
#                             prints them
#   stack.sh down             stops what `up` started
# Later commands (tests, demo, benchmarks) read .otklik/stack.env, so they find the stack unaided.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

up() {
  mkdir -p "$OTKLIK_STATE_DIR"
  local kafka_line redis_line registry_line='' registry_out="$OTKLIK_STATE_DIR/registry-start.out" registry_pid=''
  local with_registry="${OTKLIK_REGISTRY:-0}"
  [ "${1:-}" = "--registry" ] && with_registry=1
  case "$with_registry" in 1|true|yes) with_registry=1 ;; *) with_registry=0 ;; esac
  if [ "$with_registry" = 1 ]; then
    if [ -n "${SCHEMA_REGISTRY_URL:-}" ]; then
      log "using SCHEMA_REGISTRY_URL from the environment"
      registry_line="SCHEMA_REGISTRY_URL=$SCHEMA_REGISTRY_URL"
    else
      # A JVM that takes ~20 s to answer: started now, waited for after the broker.
      bash "$OTKLIK_ROOT/scripts/registry/registry.sh" start > "$registry_out" &
      registry_pid=$!
    fi
  fi
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    log "using KAFKA_BROKERS from the environment"
    kafka_line="KAFKA_BROKERS=$KAFKA_BROKERS"
  else
    kafka_line="$(bash "$OTKLIK_ROOT/scripts/kafka/kafka.sh" start | tail -n 1)"
  fi
  redis_line="$(bash "$OTKLIK_ROOT/scripts/redis.sh" up | tail -n 1)"
  case "$kafka_line" in KAFKA_BROKERS=*) ;; *) die "kafka.sh start did not report an address";; esac
  case "$redis_line" in REDIS_URL=*) ;; *) die "redis.sh up did not report an address";; esac
  if [ -n "$registry_pid" ]; then
    wait "$registry_pid" || die "registry.sh start failed"
    registry_line="$(tail -n 1 "$registry_out")"
    rm -f "$registry_out"
    case "$registry_line" in SCHEMA_REGISTRY_URL=*) ;; *) die "registry.sh start did not report an address";; esac
  fi
  printf '# written by scripts/stack.sh up\n%s\n%s\n' "$kafka_line" "$redis_line" > "$STACK_ENV_FILE"
  [ -z "$registry_line" ] || echo "$registry_line" >> "$STACK_ENV_FILE"
  echo "$kafka_line"
  echo "$redis_line"
  [ -z "$registry_line" ] || echo "$registry_line"
}

down() {
  bash "$OTKLIK_ROOT/scripts/kafka/kafka.sh" stop || true
  bash "$OTKLIK_ROOT/scripts/redis.sh" down || true
  bash "$OTKLIK_ROOT/scripts/registry/registry.sh" stop || true
  rm -f "$STACK_ENV_FILE"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  *) die "usage: stack.sh up|down" ;;
esac
