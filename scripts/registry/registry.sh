#!/usr/bin/env bash
# A real Schema Registry on 127.0.0.1 for machines without Docker: Apicurio Registry (its Confluent-
# compatible API under /apis/ccompat/v7), from Maven Central (pinned in pom.xml next to this file) into a
# cache outside the repository, in-memory storage, state and log under the repo's .otklik/.
#
#   registry.sh start   start it (or reuse one started from this state dir); last stdout line is
#                       SCHEMA_REGISTRY_URL=http://127.0.0.1:<port>/apis/ccompat/v7
#   registry.sh stop    stop the one started from this state dir
#   registry.sh status  exit 0 when it answers, 3 when not
#   registry.sh fetch   only download and unpack the distribution
#
# Environment: SCHEMA_REGISTRY_PORT [8081], SCHEMA_REGISTRY_MANAGEMENT_PORT [8091] (health and metrics;
# Quarkus binds it to 0.0.0.0 unless told: here it is 127.0.0.1 too), REGISTRY_JAVA_HOME [the first
# JDK >= 21: JAVA_HOME, then /usr/lib/jvm/*], REGISTRY_START_TIMEOUT [180 s], OTKLIK_CACHE, OTKLIK_STATE_DIR.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
POM=$SCRIPT_DIR/pom.xml
VERSION=$(sed -n 's:.*<apicurio\.version>\(.*\)</apicurio\.version>.*:\1:p' "$POM")

CACHE_ROOT=${OTKLIK_CACHE:-$HOME/.cache/otklik}
APP=$CACHE_ROOT/apicurio-registry-$VERSION
STATE=${OTKLIK_STATE_DIR:-$REPO_ROOT/.otklik}/registry
PID_FILE=$STATE/registry.pid
LOG=$STATE/registry.log

HOST=127.0.0.1
PORT=${SCHEMA_REGISTRY_PORT:-8081}
MANAGEMENT_PORT=${SCHEMA_REGISTRY_MANAGEMENT_PORT:-8091}
START_TIMEOUT=${REGISTRY_START_TIMEOUT:-180}
API=http://$HOST:$PORT/apis/ccompat/v7

say() { echo "registry.sh: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}

java_major() { "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'; }

# Apicurio 3 needs Java 21+; the machine's default may be older (Kafka is happy with 17).
find_java() {
  local candidate
  for candidate in ${REGISTRY_JAVA_HOME:+"$REGISTRY_JAVA_HOME/bin/java"} ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java; do
    [[ -x $candidate ]] || continue
    if [[ $(java_major "$candidate") -ge 21 ]]; then
      echo "$candidate"
      return
    fi
  done
  die "Apicurio Registry $VERSION needs Java 21 or newer: none found (set REGISTRY_JAVA_HOME, or apt-get install a JDK 21+)"
}

# The cache is keyed by the pom's checksum, like the broker's jars.
ensure_app() {
  local want stamp=$APP/.pom.sha256
  want=$(sha256sum "$POM" | cut -d' ' -f1)
  [[ -f $stamp && $(<"$stamp") == "$want" ]] && return
  command -v mvn >/dev/null || die "mvn not found: Maven is needed once to download Apicurio Registry"
  mkdir -p "$CACHE_ROOT"
  (
    flock 8
    [[ -f $stamp && $(<"$stamp") == "$want" ]] && exit 0
    say "downloading Apicurio Registry $VERSION with Maven into $APP"
    local tmp=$APP.tmp.$$
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # dependency:copy of the one archive: its pom's dependency graph reaches repositories that Maven
    # Central does not mirror, and nothing of it is needed to run the distribution.
    if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy \
      -Dartifact="io.apicurio:apicurio-registry-app:$VERSION:tar.gz:all" \
      -DoutputDirectory="$tmp/archive" >"$tmp.log" 2>&1; then
      tail -n 40 "$tmp.log" >&2
      die "Maven could not download Apicurio Registry (full output: $tmp.log)"
    fi
    tar -xzf "$tmp"/archive/*.tar.gz -C "$tmp"
    rm -rf "$tmp/archive" "$tmp.log"
    [[ -f $tmp/quarkus-run.jar ]] || die "the Apicurio archive has no quarkus-run.jar"
    echo "$want" >"$tmp/.pom.sha256"
    rm -rf "$APP"
    mv "$tmp" "$APP"
  ) 8>"$CACHE_ROOT/apicurio-registry-$VERSION.lock"
}

answers() { curl -sf -m 2 -o /dev/null "$API/subjects"; }

running_pid() {
  [[ -f $PID_FILE ]] || return 0
  local pid
  pid=$(<"$PID_FILE")
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == *quarkus-run.jar* ]]; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

cmd_start() {
  command -v curl >/dev/null || die "curl is needed to see when the registry answers"
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock -w "$START_TIMEOUT" 9 || die "another registry.sh holds $STATE/.lock"
  local pid java started=$SECONDS
  pid=$(running_pid)
  if [[ -z $pid ]]; then
    if answers; then
      say "a registry already answers on $HOST:$PORT (not started here): reusing it"
      echo "SCHEMA_REGISTRY_URL=$API"
      return
    fi
    java=$(find_java)
    ensure_app
    say "starting Apicurio Registry $VERSION on $HOST:$PORT (management $HOST:$MANAGEMENT_PORT, in-memory storage; log $LOG)"
    # setsid: it outlives the shell or test runner that started it. The lock's descriptor is closed
    # first: a registry holding it would block every later start.
    (
      exec 9>&-
      cd "$APP"
      nohup setsid "$java" -Xms64m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
        -Dquarkus.http.host=$HOST -Dquarkus.http.port="$PORT" \
        -Dquarkus.management.host=$HOST -Dquarkus.management.port="$MANAGEMENT_PORT" \
        -Dquarkus.http.access-log.enabled=false -Dquarkus.log.level=WARN \
        -jar quarkus-run.jar >"$LOG" 2>&1 </dev/null &
      echo $! >"$PID_FILE"
    )
    pid=$(<"$PID_FILE")
  fi
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG" >&2 || true
      rm -f "$PID_FILE"
      die "the registry exited while starting; its log is $LOG"
    fi
    if ((SECONDS - started >= START_TIMEOUT)); then
      tail -n 30 "$LOG" >&2 || true
      kill -TERM "$pid" 2>/dev/null || true
      die "no answer from $API after ${START_TIMEOUT}s (raise REGISTRY_START_TIMEOUT?); its log is $LOG"
    fi
    sleep 0.5
  done
  say "answers after $((SECONDS - started)) s"
  echo "SCHEMA_REGISTRY_URL=$API"
}

cmd_stop() {
  local pid
  pid=$(running_pid)
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  say "stopped (pid $pid)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if answers; then echo "SCHEMA_REGISTRY_URL=$API"; else exit 3; fi ;;
  fetch) ensure_app ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
