#!/usr/bin/env bash
# A replicated Redis with automatic failover on loopback, from the local redis-server binary: one master,
# two replicas and three Sentinels (`redis-server --sentinel`) watching it under the name
# REDIS_SENTINEL_NAME (default otklik). Roles connect through the Sentinels and follow a failover.
#   redis-sentinel.sh up      starts (or reuses) it; its last two lines are REDIS_SENTINELS=host:port,...
#                             and REDIS_SENTINEL_NAME=name
#   redis-sentinel.sh down    stops what this script started and removes its files
#   redis-sentinel.sh master  prints the port of the current master (as the Sentinels see it)
#   redis-sentinel.sh kill-master  SIGKILLs the master, waits for the promotion, restarts the killed
#                             node as a replica; prints the new master's port
# Ports: free loopback ports chosen at the first `up` and kept in .otklik/redis-sentinel/ports (three
# data nodes, the first starts as master, then three Sentinels); files under .otklik/redis-sentinel/<port>/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
HOST=127.0.0.1
source "$(dirname "$0")/ports.sh"

STATE="$OTKLIK_STATE_DIR/redis-sentinel"
NAME="${REDIS_SENTINEL_NAME:-otklik}"
if [ ! -f "$STATE/ports" ]; then
  mkdir -p "$STATE"
  ports=()
  for _ in 1 2 3 4 5 6; do ports+=("$(free_port)"); done
  echo "${ports[*]}" >"$STATE/ports"
fi
read -r -a ALL_PORTS <"$STATE/ports"
DATA_PORTS=("${ALL_PORTS[@]:0:3}")
SENTINEL_PORTS=("${ALL_PORTS[@]:3:3}")
# A master is taken for down after this long without a reply; the failover itself then takes ~1-2 s.
DOWN_AFTER_MS="${REDIS_SENTINEL_DOWN_AFTER_MS:-1500}"

answers() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = "PONG" ]; }
sentinel_list() { local IFS=,; echo "${SENTINEL_PORTS[*]/#/127.0.0.1:}"; }
master_port() {
  local port
  for port in "${SENTINEL_PORTS[@]}"; do
    redis-cli -p "$port" sentinel get-master-addr-by-name "$NAME" 2>/dev/null | sed -n 2p | grep . && return
  done
  return 1
}
# Up to 30 s: on a busy 2-core machine (the test suite) a fresh redis-server took more than 10 s to answer.
wait_for() { # what, command...
  local what=$1 deadline=$((SECONDS + 30)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not happen within 30 s; see the logs under $STATE"
    sleep 0.1
  done
}
replicas_linked() { [ "$(redis-cli -p "${DATA_PORTS[0]}" info replication | tr -d '\r' | sed -n 's/^connected_slaves://p')" = "$((${#DATA_PORTS[@]} - 1))" ]; }
sentinels_agree() {
  local known
  known=$(redis-cli -p "${SENTINEL_PORTS[0]}" sentinel master "$NAME" 2>/dev/null | tr -d '\r' | grep -A1 '^num-other-sentinels$' | tail -n 1)
  [ "$known" = "$((${#SENTINEL_PORTS[@]} - 1))" ]
}

# start_node PORT [MASTER_PORT]: one data node, a replica of MASTER_PORT when given; its directory (and
# append-only file) is kept if it exists. Append-only with fsync every second, noeviction as everywhere.
start_node() {
  local port=$1 dir="$STATE/$1" role=()
  mkdir -p "$dir"
  [ -n "${2:-}" ] && role=(--replicaof 127.0.0.1 "$2")
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save '' --appendonly yes \
    --maxmemory-policy noeviction --hash-max-listpack-value 256 --dir "$dir" --logfile "$dir/redis.log" \
    --pidfile "$dir/redis.pid" \
    "${role[@]}" >/dev/null
}

# kill-master: SIGKILLs the current master, waits until the Sentinels promote a replica, then starts the
# killed node again as a replica of the new master (so the next failover has two replicas to choose
# from). Prints the new master's port.
kill_master() {
  local old new pid
  old=$(master_port) || die "no Sentinel knows a master named $NAME"
  pid=$(cat "$STATE/$old/redis.pid")
  kill -9 "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$STATE/$old/redis.pid"
  promoted() { new=$(master_port) && [ "$new" != "$old" ] && answers "$new"; }
  for _ in $(seq 1 300); do promoted && break; sleep 0.1; done
  promoted || die "the Sentinels did not promote a replica within 30 s; see $STATE/*/sentinel.log"
  start_node "$old" "$new"
  wait_for "redis-server on $old answering again" answers "$old"
  log "master $old SIGKILLed; the Sentinels promoted $new; $old restarted as its replica"
  echo "$new"
}

up() {
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  if answers "${SENTINEL_PORTS[0]}" && master_port >/dev/null; then
    log "Redis Sentinels already answer on ${SENTINEL_PORTS[0]}, reusing them"
    echo "REDIS_SENTINELS=$(sentinel_list)"; echo "REDIS_SENTINEL_NAME=$NAME"; return
  fi
  for port in "${DATA_PORTS[@]}" "${SENTINEL_PORTS[@]}"; do
    port_open "$port" && die "port $port is taken; run '$0 down' (it chooses new ports next time)"
  done
  local i=0 port dir
  for port in "${DATA_PORTS[@]}"; do
    rm -rf "${STATE:?}/$port"
    if [ "$i" -gt 0 ]; then start_node "$port" "${DATA_PORTS[0]}"; else start_node "$port"; fi
    i=$((i + 1))
  done
  for port in "${DATA_PORTS[@]}"; do wait_for "redis-server on $port answering" answers "$port"; done
  wait_for "replicas linking to the master" replicas_linked
  for port in "${SENTINEL_PORTS[@]}"; do
    dir="$STATE/$port"; rm -rf "$dir"; mkdir -p "$dir"
    cat >"$dir/sentinel.conf" <<EOF
# Generated by scripts/redis-sentinel.sh.
bind 127.0.0.1
port $port
dir $dir
sentinel monitor $NAME 127.0.0.1 ${DATA_PORTS[0]} 2
sentinel down-after-milliseconds $NAME $DOWN_AFTER_MS
sentinel failover-timeout $NAME 10000
sentinel parallel-syncs $NAME 1
EOF
    redis-server "$dir/sentinel.conf" --sentinel --daemonize yes --logfile "$dir/sentinel.log" \
      --pidfile "$dir/sentinel.pid" >/dev/null
  done
  for port in "${SENTINEL_PORTS[@]}"; do wait_for "sentinel on $port answering" answers "$port"; done
  wait_for "the Sentinels finding each other" sentinels_agree
  log "Redis master on ${DATA_PORTS[0]}, replicas on ${DATA_PORTS[*]:1}, Sentinels on ${SENTINEL_PORTS[*]} (name $NAME)"
  echo "REDIS_SENTINELS=$(sentinel_list)"
  echo "REDIS_SENTINEL_NAME=$NAME"
}

down() {
  local pid_file pid pids=()
  # A process removes its pid file as it exits: read each file once, tolerating one that just went.
  for pid_file in "$STATE"/*/sentinel.pid "$STATE"/*/redis.pid; do
    pid=$(cat "$pid_file" 2>/dev/null) || continue
    kill "$pid" 2>/dev/null && pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  master) master_port || die "no Sentinel knows a master named $NAME" ;;
  kill-master) kill_master ;;
  *) die "usage: redis-sentinel.sh up|down|master|kill-master" ;;
esac
