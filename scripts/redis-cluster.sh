#!/usr/bin/env bash
# A real 3-master Redis Cluster on loopback, from the local redis-server binary (tests of the SLA scripts
# on a cluster; see test/integration/adapters/redis/redis-cluster.test.ts).
#   redis-cluster.sh up    starts (or reuses) the cluster; its last line is REDIS_CLUSTER_NODES=host:port,...
#                          and STARTED=1 on the line before when this call started it (0 when it was reused)
#   redis-cluster.sh down  stops the nodes this script started and removes their files
# Ports: REDIS_CLUSTER_PORTS (default "7101 7102 7103"); files under .otklik/redis-cluster/<port>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLUSTER_DIR="$OTKLIK_STATE_DIR/redis-cluster"
read -r -a PORTS <<< "${REDIS_CLUSTER_PORTS:-7101 7102 7103}"

node_list() { local IFS=,; echo "${PORTS[*]/#/127.0.0.1:}"; }

answers() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ]; }
cluster_ok() { redis-cli -p "${PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

up() {
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  if cluster_ok; then
    log "a Redis Cluster already answers on ${PORTS[0]}, reusing it"
    echo "STARTED=0"; echo "REDIS_CLUSTER_NODES=$(node_list)"; return
  fi
  for port in "${PORTS[@]}"; do
    if answers "$port"; then die "port $port answers but is not part of a healthy cluster; run '$0 down' or free it"; fi
  done
  mkdir -p "$CLUSTER_DIR"
  for port in "${PORTS[@]}"; do
    local dir="$CLUSTER_DIR/$port"
    rm -rf "$dir"; mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes --hash-max-listpack-value 256 \
      --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 --save '' --appendonly no \
      --maxmemory-policy noeviction --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >/dev/null
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 50); do answers "$port" && break; sleep 0.1; done
    answers "$port" || die "redis-server on $port did not answer within 5 s; see $CLUSTER_DIR/$port/redis.log"
  done
  log "creating a ${#PORTS[@]}-master cluster on ports ${PORTS[*]}"
  # shellcheck disable=SC2046
  redis-cli --cluster create $(node_list | tr ',' ' ') --cluster-replicas 0 --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1 \
    || die "redis-cli --cluster create failed; see $CLUSTER_DIR/create.log"
  for _ in $(seq 1 100); do
    local all=1
    for port in "${PORTS[@]}"; do redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || all=0; done
    if [ "$all" = 1 ]; then echo "STARTED=1"; echo "REDIS_CLUSTER_NODES=$(node_list)"; return; fi
    sleep 0.1
  done
  die "the cluster did not reach state ok within 10 s"
}

down() {
  for port in "${PORTS[@]}"; do
    local pid_file="$CLUSTER_DIR/$port/redis.pid" pid
    pid="$(cat "$pid_file" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      log "stopping the cluster node on $port (pid $pid)"
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "${CLUSTER_DIR:?}/$port"
  done
  rm -f "$CLUSTER_DIR/create.log"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: redis-cluster.sh up|down" ;;
esac
