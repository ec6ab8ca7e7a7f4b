#!/usr/bin/env bash
# A real 3-master Redis Cluster on loopback (with REDIS_CLUSTER_REPLICAS=1 a replica per master), from the local redis-server binary
# (tests of the SLA scripts on a cluster and of a master's failover; see
# test/integration/adapters/redis/redis-cluster.test.ts).
#   redis-cluster.sh up    starts (or reuses) the cluster; its last line is REDIS_CLUSTER_NODES=host:port,...
#                          and STARTED=1 on the line before when this call started it (0 when it was reused)
#   redis-cluster.sh down  stops the nodes this script started and removes their files
#   redis-cluster.sh start-node PORT  starts a stopped node again with its nodes.conf (a killed master
#                          rejoins as a replica of the node promoted in its place)
# Ports: REDIS_CLUSTER_PORTS (default "7101 7102 7103", or "7101 ... 7106" with replicas: the first three
# start as masters); REDIS_CLUSTER_REPLICAS replicas per master (default 0); a master that does not answer
# for REDIS_CLUSTER_NODE_TIMEOUT_MS (default 2000) is failed over to its replica. Files under
# .otklik/redis-cluster/<port>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CLUSTER_DIR="$OTKLIK_STATE_DIR/redis-cluster"
REPLICAS="${REDIS_CLUSTER_REPLICAS:-0}"
if [ "$REPLICAS" = 0 ]; then default_ports="7101 7102 7103"; else default_ports="7101 7102 7103 7104 7105 7106"; fi
read -r -a PORTS <<< "${REDIS_CLUSTER_PORTS:-$default_ports}"
NODE_TIMEOUT_MS="${REDIS_CLUSTER_NODE_TIMEOUT_MS:-2000}"

node_list() { local IFS=,; echo "${PORTS[*]/#/127.0.0.1:}"; }

answers() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ]; }
cluster_ok() { redis-cli -p "${PORTS[0]}" cluster info 2>/dev/null | grep -q '^cluster_state:ok'; }

# Every node answers and every replica's link to its master is up.
wait_replicas_linked() {
  local port all
  for _ in $(seq 1 300); do
    all=1
    for port in "${PORTS[@]}"; do
      local info
      info=$(redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r') || { all=0; continue; }
      [ -n "$info" ] || all=0
      if grep -q '^role:slave' <<<"$info"; then grep -q '^master_link_status:up' <<<"$info" || all=0; fi
    done
    [ "$all" = 1 ] && return 0
    sleep 0.1
  done
  return 1
}

start_node() {
  local port=$1 dir="$CLUSTER_DIR/$1"
  mkdir -p "$dir"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes --hash-max-listpack-value 256 \
    --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout "$NODE_TIMEOUT_MS" --repl-diskless-sync-delay 0 --save '' --appendonly no \
    --maxmemory-policy noeviction --dir "$dir" --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >/dev/null
}

up() {
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  if cluster_ok; then
    # A node killed by a failover test and never restarted: start it again (it rejoins as a replica).
    for port in "${PORTS[@]}"; do
      if ! answers "$port" && [ -f "$CLUSTER_DIR/$port/nodes.conf" ]; then
        log "cluster node $port does not answer; starting it again"
        start_node "$port"
      fi
    done
    wait_replicas_linked || die "the cluster's replicas did not link within 30 s"
    log "a Redis Cluster already answers on ${PORTS[0]}, reusing it"
    echo "STARTED=0"; echo "REDIS_CLUSTER_NODES=$(node_list)"; return
  fi
  for port in "${PORTS[@]}"; do
    if answers "$port"; then die "port $port answers but is not part of a healthy cluster; run '$0 down' or free it"; fi
  done
  mkdir -p "$CLUSTER_DIR"
  for port in "${PORTS[@]}"; do
    rm -rf "${CLUSTER_DIR:?}/$port"
    start_node "$port"
  done
  for port in "${PORTS[@]}"; do
    for _ in $(seq 1 300); do answers "$port" && break; sleep 0.1; done
    answers "$port" || die "redis-server on $port did not answer within 30 s; see $CLUSTER_DIR/$port/redis.log"
  done
  log "creating a cluster of ${#PORTS[@]} nodes ($REPLICAS replica(s) per master) on ports ${PORTS[*]}"
  # shellcheck disable=SC2046
  redis-cli --cluster create $(node_list | tr ',' ' ') --cluster-replicas "$REPLICAS" --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1 \
    || die "redis-cli --cluster create failed; see $CLUSTER_DIR/create.log"
  for _ in $(seq 1 300); do
    local all=1
    for port in "${PORTS[@]}"; do redis-cli -p "$port" cluster info | grep -q '^cluster_state:ok' || all=0; done
    # Every replica in sync with its master, so that a failover right away has something to promote.
    if [ "$REPLICAS" != 0 ] && [ "$all" = 1 ]; then
      for port in "${PORTS[@]}"; do
        if redis-cli -p "$port" info replication | tr -d '\r' | grep -q '^role:slave'; then
          redis-cli -p "$port" info replication | tr -d '\r' | grep -q '^master_link_status:up' || all=0
        fi
      done
    fi
    if [ "$all" = 1 ]; then echo "STARTED=1"; echo "REDIS_CLUSTER_NODES=$(node_list)"; return; fi
    sleep 0.1
  done
  die "the cluster did not reach state ok within 30 s"
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
  start-node) [ -n "${2:-}" ] || die "usage: redis-cluster.sh start-node PORT"; start_node "$2" ;;
  *) die "usage: redis-cluster.sh up|down|start-node PORT" ;;
esac
