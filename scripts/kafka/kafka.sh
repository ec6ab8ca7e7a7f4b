#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1,
# for machines without Docker. The jars come from Maven Central (pinned in pom.xml next to this
# file) into a cache outside the repository; the broker's state stays under the repo's .otklik/.
#
# See usage() below, and docs/kafka-local.md for the version choice and measured start times.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
POM=$SCRIPT_DIR/pom.xml
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM")

CACHE_ROOT=${OTKLIK_CACHE:-$HOME/.cache/otklik}
LIBS=$CACHE_ROOT/kafka-$KAFKA_VERSION/libs
STATE=${OTKLIK_STATE_DIR:-$REPO_ROOT/.otklik}/kafka
DATA=$STATE/data
LOGS=$STATE/logs
PROPS=$STATE/server.properties
PID_FILE=$STATE/kafka.pid

HOST=127.0.0.1
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
JVM_OPTS=${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20}
AUTO_CREATE_TOPICS=${KAFKA_AUTO_CREATE_TOPICS:-false}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

usage() {
  cat <<EOF
Usage: $(basename "$0") <command> [args]

  start                     start the broker (or reuse one already answering on the port);
                            the last stdout line is KAFKA_BROKERS=$HOST:<port>
  stop                      stop the broker started from this state dir (data is kept)
  status                    say whether a broker answers on the port (exit 0) or not (exit 3)
  fetch                     only download the jars into the cache
  console-consumer <topic> [args]   Kafka's own console consumer (e.g. --from-beginning --group g)
  topics [args]             Kafka's topics tool (e.g. --list, --describe --topic t)
  consumer-groups [args]    Kafka's consumer groups tool (e.g. --describe --group g)

Environment (defaults in brackets):
  KAFKA_PORT [9092]  KAFKA_CONTROLLER_PORT [9093]  OTKLIK_STATE_DIR [<repo>/.otklik]
  OTKLIK_CACHE [\$HOME/.cache/otklik]  KAFKA_HEAP_OPTS [-Xms256m -Xmx512m]
  KAFKA_JVM_OPTS [-XX:+UseG1GC -XX:MaxGCPauseMillis=20] (GC and JIT flags)
  KAFKA_START_TIMEOUT [120 s]  KAFKA_STOP_TIMEOUT [30 s]  KAFKA_AUTO_CREATE_TOPICS [false]
  KAFKA_CLUSTER_ID [random] (used when formatting new storage)

Kafka $KAFKA_VERSION; jars in $LIBS; state in $STATE
EOF
}

say() { echo "kafka.sh: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

require_java() {
  command -v "$JAVA" >/dev/null || die "java not found: Kafka $KAFKA_VERSION needs Java 17 or newer (set JAVA_HOME)"
  local major
  major=$("$JAVA" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  [[ ${major:-0} -ge 17 ]] || die "Kafka $KAFKA_VERSION needs Java 17 or newer; $JAVA is version ${major:-unknown}"
}

# The cache is keyed by the pom's checksum, so editing pom.xml re-downloads even at the same version.
ensure_jars() {
  local want stamp=$LIBS/.pom.sha256
  want=$(sha256sum "$POM" | cut -d' ' -f1)
  if [[ -f $stamp && $(<"$stamp") == "$want" ]]; then
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: Maven is needed once to download the Kafka jars"
  mkdir -p "$(dirname "$LIBS")"
  (
    # Several state dirs share one cache: only one of them downloads at a time.
    flock 8
    if [[ -f $stamp && $(<"$stamp") == "$want" ]]; then
      exit 0
    fi
    say "downloading Apache Kafka $KAFKA_VERSION jars with Maven into $LIBS"
    local tmp=$LIBS.tmp.$$
    rm -rf "$tmp"
    if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
      tail -n 40 "$tmp.log" >&2
      die "Maven could not download the Kafka jars (full output: $tmp.log)"
    fi
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$LIBS" "$tmp.log"
    mv "$tmp" "$LIBS"
  ) 8>"$CACHE_ROOT/kafka-$KAFKA_VERSION.lock"
}

# Kafka's command-line classes are short-lived: small heap, quick JIT, warnings only on stderr.
TOOL_JAVA=("$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-tools.properties" -cp "$LIBS/*")
kafka_tool() { "${TOOL_JAVA[@]}" "$@"; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# A real protocol check that needs no JVM (a JVM client takes 1.5 s, far more on a busy machine):
# an ApiVersions v0 request, the first one every Kafka client sends, must get a Kafka response that
# carries our correlation id and error code 0. The broker opens its client port only once started.
broker_answers() {
  local reply
  # shellcheck disable=SC2016 # $0 and $1 belong to the inner bash
  reply=$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    # length 18 | api_key 18 (ApiVersions) | api_version 0 | correlation_id 7 | client_id "kafka.sh"
    printf "\x00\x00\x00\x12\x00\x12\x00\x00\x00\x00\x00\x07\x00\x08kafka.sh" >&3
    # Reply: length (4 bytes) | correlation_id (4) | error_code (2) | ...
    head -c 10 <&3 | od -An -tx1' "$HOST" "$PORT" 2>/dev/null) || return 1
  reply=${reply//[[:space:]]/}
  [[ ${#reply} -eq 20 && ${reply:8} == 000000070000 ]]
}

# The pid of the broker started from this state dir, if it is still running; clears a stale pid file.
running_pid() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *" kafka.Kafka "* ]]; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

configured_port() { sed -n 's|^listeners=PLAINTEXT://[^:]*:\([0-9]*\),.*|\1|p' "$PROPS" 2>/dev/null; }

print_brokers() { echo "KAFKA_BROKERS=$HOST:$PORT"; }

log_hint() {
  if [[ -f $LOGS/server.log ]]; then
    say "last lines of $LOGS/server.log:"
    tail -n 25 "$LOGS/server.log" >&2
  fi
  if [[ -s $LOGS/kafka.out ]]; then
    say "last lines of $LOGS/kafka.out (JVM output):"
    tail -n 10 "$LOGS/kafka.out" >&2
  fi
}

write_properties() {
  mkdir -p "$DATA" "$LOGS"
  cat >"$PROPS" <<EOF
# Generated by scripts/kafka/kafka.sh at every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
auto.create.topics.enable=$AUTO_CREATE_TOPICS
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
# One node: internal topics cannot have more than one replica. Fewer partitions than the
# default 50 make the first group or transaction coordinator load in well under a second.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups all the time: do not wait 3 s for more members.
group.initial.rebalance.delay.ms=0
# Sized for a 2-core machine and a 512 MB heap (the cleaner's default buffer alone is 128 MB).
num.network.threads=2
num.io.threads=4
log.cleaner.dedupe.buffer.size=16777216
EOF
}

format_storage_once() {
  [[ -f $DATA/meta.properties ]] && return
  local cluster_id
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding.
  # Passed as --cluster-id=ID: one id in 64 starts with '-', which the tool would take for an option.
  # KAFKA_CLUSTER_ID chooses it (a test formats with one that starts with '-').
  cluster_id=${KAFKA_CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}
  say "formatting new storage in $DATA (cluster id $cluster_id)"
  if ! kafka_tool kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$PROPS" >"$LOGS/format.log" 2>&1; then
    cat "$LOGS/format.log" >&2
    die "formatting the storage failed (see $LOGS/format.log)"
  fi
}

launch_broker() {
  local heap jvm_opts
  read -ra heap <<<"$HEAP_OPTS"
  read -ra jvm_opts <<<"$JVM_OPTS"
  # setsid: the broker outlives the shell or test runner that started it, and a Ctrl-C there.
  # 9>&-: the broker must not inherit (and so hold for its lifetime) the state dir's lock.
  nohup setsid "$JAVA" "${heap[@]}" "${jvm_opts[@]}" -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dkafka.logs.dir="$LOGS" \
    -Dlog4j2.configurationFile="$SCRIPT_DIR/log4j2-broker.properties" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$LOGS/kafka.out" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
}

wait_until_ready() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT))
  until broker_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_hint
      rm -f "$PID_FILE"
      die "the broker exited while starting; its log is $LOGS/server.log"
    fi
    if ((SECONDS >= deadline)); then
      log_hint
      say "stopping the broker that did not answer (pid $pid)"
      stop_pid "$pid"
      die "no answer on $HOST:$PORT after ${START_TIMEOUT}s (raise KAFKA_START_TIMEOUT?); its log is $LOGS/server.log"
    fi
    sleep 0.5
  done
}

# Waits up to $2 seconds for process $1 to end; fails if it is still there.
wait_for_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# SIGTERM lets the broker close its logs cleanly (no recovery at the next start); SIGKILL if it hangs.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_for_exit "$pid" "$STOP_TIMEOUT"; then
    say "broker pid $pid still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 10 || die "broker pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE"
}

lock_state() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w "$((START_TIMEOUT + STOP_TIMEOUT))" 9 || die "another kafka.sh holds $STATE/.lock"
}

cmd_start() {
  require_java
  lock_state
  local pid started_at=$SECONDS
  pid=$(running_pid)
  if [[ -n $pid ]]; then
    local port
    port=$(configured_port)
    [[ $port == "$PORT" ]] ||
      die "the broker from $STATE (pid $pid) runs on port $port, not $PORT: stop it first or use another OTKLIK_STATE_DIR"
    say "Kafka broker already running from $STATE (pid $pid) on $HOST:$PORT: reusing it"
    wait_until_ready "$pid"
    print_brokers
    return
  fi
  if port_open "$PORT"; then
    broker_answers || die "port $PORT is taken by something that does not answer as a Kafka broker"
    say "a Kafka broker already answers on $HOST:$PORT (not started from $STATE): reusing it"
    print_brokers
    return
  fi
  port_open "$CONTROLLER_PORT" && die "controller port $CONTROLLER_PORT is taken (set KAFKA_CONTROLLER_PORT)"

  ensure_jars
  write_properties
  format_storage_once
  launch_broker
  pid=$(<"$PID_FILE")
  say "starting Kafka $KAFKA_VERSION (pid $pid) on $HOST:$PORT; log: $LOGS/server.log"
  wait_until_ready "$pid"
  say "Kafka answers on $HOST:$PORT after $((SECONDS - started_at))s"
  print_brokers
}

cmd_stop() {
  lock_state
  local pid
  pid=$(running_pid)
  if [[ -z $pid ]]; then
    say "no broker running from $STATE"
    return
  fi
  say "stopping Kafka broker pid $pid (data kept in $DATA)"
  stop_pid "$pid"
  say "stopped"
}

cmd_status() {
  local pid
  pid=$(running_pid)
  if [[ -n $pid ]]; then
    say "broker from $STATE: running, pid $pid, port $(configured_port), Kafka $KAFKA_VERSION, log $LOGS/server.log"
  else
    say "broker from $STATE: not running"
  fi
  if broker_answers; then
    say "a Kafka broker answers on $HOST:$PORT"
    print_brokers
  else
    say "no Kafka broker answers on $HOST:$PORT"
    return 3
  fi
}

cmd_tool() {
  local class=$1
  shift
  require_java
  ensure_jars
  kafka_tool "$class" --bootstrap-server "$HOST:$PORT" "$@"
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  [[ -n $KAFKA_VERSION ]] || die "no <kafka.version> found in $POM"
  case $cmd in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    fetch)
      ensure_jars
      say "Kafka $KAFKA_VERSION jars in $LIBS"
      ;;
    console-consumer)
      [[ $# -ge 1 ]] || die "usage: $(basename "$0") console-consumer <topic> [args]"
      local topic=$1
      shift
      cmd_tool org.apache.kafka.tools.consumer.ConsoleConsumer --topic "$topic" "$@"
      ;;
    topics) cmd_tool org.apache.kafka.tools.TopicCommand "$@" ;;
    consumer-groups) cmd_tool org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@" ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
