#!/usr/bin/env bash
# A local broker on SASL_SSL (SCRAM-SHA-512) and a redis-server with an ACL user, a password and TLS,
# with certificates and passwords made here, for the security test and for trying the worker against
# them by hand. Nothing of it is kept in the repository: everything lives under the given directory.
#
#   secure-stack.sh up <dir>     make <dir>/ca.pem, the server key and certificate, random passwords
#                                (<dir>/secrets.env, mode 600), start both; prints the worker's settings
#                                (without the passwords) as KEY=VALUE lines
#   secure-stack.sh down <dir>   stop both
#
# Environment: OTKLIK_CACHE (the Kafka jars, as kafka.sh), KAFKA_HEAP_OPTS [-Xms128m -Xmx384m].
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_DIR=$SCRIPT_DIR/../kafka
KAFKA_VERSION=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$KAFKA_DIR/pom.xml")
LIBS=${OTKLIK_CACHE:-$HOME/.cache/otklik}/kafka-$KAFKA_VERSION/libs
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms128m -Xmx384m}
HOST=127.0.0.1
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java

say() { echo "secure-stack.sh: $*" >&2; }
die() {
  say "error: $*"
  exit 1
}
# shellcheck source=../ports.sh
source "$SCRIPT_DIR/../ports.sh"

make_certs() {
  local dir=$1
  [[ -f $dir/server.pem ]] && return
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=otklik-test-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key.tmp" \
    -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 30 -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
  # Kafka's PEM key store wants a PKCS#8 key followed by the certificate in one file.
  openssl pkcs8 -topk8 -nocrypt -in "$dir/server.key.tmp" -out "$dir/server.key"
  cat "$dir/server.key" "$dir/server.crt" >"$dir/server.pem"
  rm -f "$dir/server.key.tmp" "$dir/server.csr" "$dir/san.ext"
  chmod 600 "$dir/ca.key" "$dir/server.key" "$dir/server.pem"
}

make_secrets() {
  local dir=$1
  [[ -f $dir/secrets.env ]] && return
  (
    umask 077
    {
      echo "KAFKA_ADMIN_PASSWORD=$(openssl rand -hex 16)"
      echo "KAFKA_SASL_PASSWORD=$(openssl rand -hex 16)"
      echo "REDIS_PASSWORD=$(openssl rand -hex 16)"
      echo "KAFKA_PORT=$(free_port)"
      echo "KAFKA_CONTROLLER_PORT=$(free_port)"
      echo "REDIS_TLS_PORT=$(free_port)"
    } >"$dir/secrets.env"
  )
}

start_kafka() {
  local dir=$1
  mkdir -p "$dir/kafka/data" "$dir/kafka/logs"
  cat >"$dir/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=SASL_SSL://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://$HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$KAFKA_ADMIN_PASSWORD";
ssl.keystore.type=PEM
ssl.keystore.location=$dir/server.pem
ssl.truststore.type=PEM
ssl.truststore.location=$dir/ca.pem
log.dirs=$dir/kafka/data
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.cleaner.dedupe.buffer.size=8388608
EOF
  chmod 600 "$dir/kafka/server.properties"
  bash "$KAFKA_DIR/kafka.sh" fetch >&2
  if [[ ! -f $dir/kafka/data/meta.properties ]]; then
    # --cluster-id=ID, not -t ID: an id may start with '-' (see scripts/kafka/kafka.sh).
    "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
      -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-tools.properties" -cp "$LIBS/*" \
      kafka.tools.StorageTool format --cluster-id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')" \
      -c "$dir/kafka/server.properties" \
      --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" \
      --add-scram "SCRAM-SHA-512=[name=otklik,password=$KAFKA_SASL_PASSWORD]" \
      >"$dir/kafka/logs/format.log" 2>&1 || die "formatting failed ($dir/kafka/logs/format.log)"
  fi
  local heap
  read -ra heap <<<"$HEAP_OPTS"
  nohup setsid "$JAVA" "${heap[@]}" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafka.logs.dir="$dir/kafka/logs" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2-broker.properties" \
    -cp "$LIBS/*" kafka.Kafka "$dir/kafka/server.properties" >"$dir/kafka/logs/kafka.out" 2>&1 </dev/null &
  echo $! >"$dir/kafka/pid"
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-180}))
  until port_open "$KAFKA_PORT"; do
    kill -0 "$(<"$dir/kafka/pid")" 2>/dev/null || die "the broker exited (see $dir/kafka/logs)"
    ((SECONDS < deadline)) || die "the broker did not open $KAFKA_PORT"
    sleep 0.5
  done
}

start_redis() {
  local dir=$1
  # The password goes in through a config file read by redis-server, not on its command line.
  (
    umask 077
    cat >"$dir/redis.conf" <<EOF
port 0
bind $HOST
tls-port $REDIS_TLS_PORT
tls-cert-file $dir/server.crt
tls-key-file $dir/server.key
tls-ca-cert-file $dir/ca.pem
tls-auth-clients no
save ""
appendonly no
maxmemory-policy noeviction
hash-max-listpack-value 256
dir $dir
user default off
user otklik on >$REDIS_PASSWORD ~* &* +@all
EOF
  )
  redis-server "$dir/redis.conf" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  local n=0
  until port_open "$REDIS_TLS_PORT"; do
    ((n++ < 100)) || die "redis-server did not open $REDIS_TLS_PORT (see $dir/redis.log)"
    sleep 0.1
  done
}

cmd_up() {
  local dir
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  command -v redis-server >/dev/null || die "redis-server not found"
  make_certs "$dir"
  make_secrets "$dir"
  # shellcheck disable=SC1091
  source "$dir/secrets.env"
  start_redis "$dir"
  start_kafka "$dir"
  say "SASL_SSL broker on $HOST:$KAFKA_PORT, TLS redis on $HOST:$REDIS_TLS_PORT; passwords in $dir/secrets.env"
  echo "KAFKA_BROKERS=$HOST:$KAFKA_PORT"
  echo "KAFKA_SSL=true"
  echo "KAFKA_SSL_CA_FILE=$dir/ca.pem"
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "KAFKA_SASL_USERNAME=otklik"
  echo "REDIS_TLS_CA_FILE=$dir/ca.pem"
  echo "REDIS_HOST_PORT=$HOST:$REDIS_TLS_PORT"
}

cmd_down() {
  local dir=$1 pid
  for f in "$dir/kafka/pid" "$dir/redis.pid"; do
    [[ -f $f ]] || continue
    pid=$(<"$f")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  say "stopped"
}

case ${1:-} in
  up) cmd_up "${2:?directory}" ;;
  down) cmd_down "${2:?directory}" ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
