#!/usr/bin/env bash
# The local stack without Docker: a single-node KRaft Kafka broker (scripts/kafka) and Redis, and with
# --registry (or OTKLIK_REGISTRY=1) a Schema Registry (scripts/registry, Apicurio, started alongside
# the broker), and with --sentinel (or OTKLIK_SENTINEL=1) a replicated Redis instead of the single one:
# a master, two replicas and three Sentinels (scripts/redis-sentinel.sh; every role follows a failover).
#   stack.sh up [--registry] [--sentinel]  starts (or reuses) them, writes their addresses to
#                             .otklik/stack.env and prints them
#   stack.sh down             stops what `up` started
# Later commands (tests, demo, benchmarks) read .otklik/stack.env, so they find the stack unaided.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

up() {
  mkdir -p "$OTKLIK_STATE_DIR"
  local kafka_line redis_line registry_line='' registry_out="$OTKLIK_STATE_DIR/registry-start.out" registry_pid=''
  local with_registry="${OTKLIK_REGISTRY:-0}" with_sentinel="${OTKLIK_SENTINEL:-0}" option
  for option in "$@"; do
    case "$option" in
      --registry) with_registry=1 ;;
      --sentinel) with_sentinel=1 ;;
      *) die "stack.sh up: unknown option $option (--registry, --sentinel)" ;;
    esac
  done
  case "$with_registry" in 1|true|yes) with_registry=1 ;; *) with_registry=0 ;; esac
  case "$with_sentinel" in 1|true|yes) with_sentinel=1 ;; *) with_sentinel=0 ;; esac
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
  local sentinel_lines=''
  if [ "$with_sentinel" = 1 ]; then
    sentinel_lines="$(bash "$OTKLIK_ROOT/scripts/redis-sentinel.sh" up | tail -n 2)"
    case "$sentinel_lines" in REDIS_SENTINELS=*) ;; *) die "redis-sentinel.sh up did not report its Sentinels";; esac
    # REDIS_URL names the first master, for tools that read it; the roles ask the Sentinels.
    redis_line="REDIS_URL=redis://127.0.0.1:$(bash "$OTKLIK_ROOT/scripts/redis-sentinel.sh" master)"
  else
    redis_line="$(bash "$OTKLIK_ROOT/scripts/redis.sh" up | tail -n 1)"
  fi
  case "$kafka_line" in KAFKA_BROKERS=*) ;; *) die "kafka.sh start did not report an address";; esac
  case "$redis_line" in REDIS_URL=*) ;; *) die "redis.sh up did not report an address";; esac
  if [ -n "$registry_pid" ]; then
    wait "$registry_pid" || die "registry.sh start failed"
    registry_line="$(tail -n 1 "$registry_out")"
    rm -f "$registry_out"
    case "$registry_line" in SCHEMA_REGISTRY_URL=*) ;; *) die "registry.sh start did not report an address";; esac
  fi
  printf '# written by scripts/stack.sh up\n%s\n%s\n' "$kafka_line" "$redis_line" > "$STACK_ENV_FILE"
  [ -z "$sentinel_lines" ] || echo "$sentinel_lines" >> "$STACK_ENV_FILE"
  [ -z "$registry_line" ] || echo "$registry_line" >> "$STACK_ENV_FILE"
  echo "$kafka_line"
  echo "$redis_line"
  [ -z "$sentinel_lines" ] || echo "$sentinel_lines"
  [ -z "$registry_line" ] || echo "$registry_line"
}

down() {
  bash "$OTKLIK_ROOT/scripts/kafka/kafka.sh" stop || true
  bash "$OTKLIK_ROOT/scripts/redis.sh" down || true
  [ ! -f "$OTKLIK_STATE_DIR/redis-sentinel/ports" ] || bash "$OTKLIK_ROOT/scripts/redis-sentinel.sh" down || true
  bash "$OTKLIK_ROOT/scripts/registry/registry.sh" stop || true
  rm -f "$STACK_ENV_FILE"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) die "usage: stack.sh up|down" ;;
esac
