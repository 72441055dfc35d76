#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, one JVM as broker and controller) for
# local development and tests, from Maven Central jars: no Docker, no tarball.
#
#   infra/kafka.sh start    fetch jars (first run only), format storage, start, wait until ready
#   infra/kafka.sh stop     SIGTERM, then SIGKILL if it has not exited in time
#   infra/kafka.sh status   exit 0 if the broker is up and accepting clients
#   infra/kafka.sh reset    stop and delete all broker data (topics, offsets)
#
# start and status print KAFKA_BROKERS=<host:port> on stdout; progress goes to stderr.
#
# Environment (defaults in brackets):
#   KAFKA_PORT [19092], KAFKA_CONTROLLER_PORT [19093]   both bound on 127.0.0.1 only
#   EARSHOT_KAFKA_HOME   jar cache [~/.cache/earshot/kafka-<version>]; survives reset
#   EARSHOT_KAFKA_DATA   data, generated config, server.log, pid file [/tmp/earshot-kafka]
#   KAFKA_HEAP_OPTS      [-Xms256m -Xmx768m]
#   KAFKA_START_TIMEOUT  seconds to wait until ready [90]
#   KAFKA_STOP_TIMEOUT   seconds to wait for a clean shutdown before SIGKILL [30]
set -euo pipefail

# Resolve everything relative to this file so the script works from any cwd.
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
CONF_DIR=$SCRIPT_DIR/kafka

# Relative paths from the environment are anchored to the caller's cwd once, here, so the
# broker's config never depends on where a later command runs from.
abspath() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac }

# The POM is the single source of truth for the Kafka version.
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$CONF_DIR/pom.xml")
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
KAFKA_HOME=$(abspath "${EARSHOT_KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/earshot/kafka-$KAFKA_VERSION}")
DATA_DIR=$(abspath "${EARSHOT_KAFKA_DATA:-/tmp/earshot-kafka}")
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

LIBS=$KAFKA_HOME/libs
LOG_DIR=$DATA_DIR/data # Kafka's log.dirs: partition data, not text logs
PROPS=$DATA_DIR/server.properties
PID_FILE=$DATA_DIR/kafka.pid
SERVER_LOG=$DATA_DIR/server.log
BROKERS=127.0.0.1:$KAFKA_PORT
JAVA_OPTS=(-Djava.awt.headless=true "-Dlog4j2.configurationFile=$CONF_DIR/log4j2.properties")

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# True while pid is a live process. A zombie counts as dead: when start gives up on a
# broker it launched itself, the exited JVM stays a zombie child of this shell.
alive() {
  local stat
  stat=$(ps -p "$1" -o stat= 2>/dev/null) && [[ $stat != Z* ]]
}

# Prints the pid of our broker if it is running. The pid file alone is not trusted: after a
# crash or reboot the pid may have been reused by an unrelated process.
running_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ $(ps -p "$pid" -o args=) == *kafka.Kafka* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Serialize start/stop/reset so parallel callers (e.g. concurrent test runs) cannot race.
# The lock file sits next to the data dir so that reset can delete the data dir under it.
take_lock() {
  command -v flock >/dev/null || return 0 # e.g. macOS: run unlocked
  mkdir -p "$(dirname -- "$DATA_DIR")"
  exec 9>"$DATA_DIR.lock"
  flock -w 300 9 || die "timed out waiting for $DATA_DIR.lock"
}

# Jars are fetched once per POM content into KAFKA_HOME and reused afterwards, so warm
# starts need neither mvn nor the network. Maven's own cache (~/.m2) is used as usual.
ensure_jars() {
  if [[ -d $LIBS ]] && cmp -s "$CONF_DIR/pom.xml" "$KAFKA_HOME/pom.xml"; then
    return
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars)"
  log "fetching Kafka $KAFKA_VERSION jars into $LIBS"
  mkdir -p "$KAFKA_HOME"
  rm -rf "$LIBS" "$LIBS.tmp" "$KAFKA_HOME/pom.xml"
  # Download into a temp dir and rename, so an interrupted fetch never looks like a cache.
  mvn -B -f "$CONF_DIR/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" >"$KAFKA_HOME/mvn.log" 2>&1 ||
    {
      tail -n 30 "$KAFKA_HOME/mvn.log" >&2
      die "mvn failed (full log: $KAFKA_HOME/mvn.log)"
    }
  mv "$LIBS.tmp" "$LIBS"
  cp "$CONF_DIR/pom.xml" "$KAFKA_HOME/pom.xml"
}

# Rewritten on every start so that changed ports or paths take effect.
write_config() {
  local conf
  conf=$(<"$CONF_DIR/server.properties")
  conf=${conf//@KAFKA_PORT@/$KAFKA_PORT}
  conf=${conf//@KAFKA_CONTROLLER_PORT@/$KAFKA_CONTROLLER_PORT}
  conf=${conf//@KAFKA_LOG_DIR@/$LOG_DIR}
  printf '%s\n' "$conf" >"$PROPS"
}

# KRaft will not start on unformatted storage. Format only when there is no meta.properties
# yet (first start, or after reset): it costs two JVM launches, and an existing cluster id
# must be kept. --ignore-formatted keeps it harmless should the storage already be formatted.
format_storage() {
  [[ -f $LOG_DIR/meta.properties ]] && return
  local cluster_id
  if ! cluster_id=$(java "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>>"$SERVER_LOG") ||
    [[ ! $cluster_id =~ ^[A-Za-z0-9_-]{22}$ ]]; then
    tail -n 30 "$SERVER_LOG" >&2
    die "could not generate a cluster id (full log: $SERVER_LOG)"
  fi
  java "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.tools.StorageTool format \
    --config "$PROPS" --cluster-id "$cluster_id" --ignore-formatted >>"$SERVER_LOG" 2>&1 ||
    {
      tail -n 30 "$SERVER_LOG" >&2
      die "formatting $LOG_DIR failed"
    }
}

# Ready means the broker logged the end of its startup AND the client port accepts
# connections. On failure the log tail is shown; a broker that never got ready is stopped,
# so that the next start begins from a clean state.
wait_ready() {
  local pid=$1 deadline=$((SECONDS + START_TIMEOUT))
  until grep -q 'Kafka Server started' "$SERVER_LOG" 2>/dev/null && port_open "$KAFKA_PORT"; do
    if ! alive "$pid"; then
      tail -n 40 "$SERVER_LOG" >&2
      rm -f "$PID_FILE"
      die "broker exited during startup (full log: $SERVER_LOG)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 "$SERVER_LOG" >&2
      stop
      die "broker not ready after ${START_TIMEOUT}s (full log: $SERVER_LOG)"
    fi
    sleep 0.5
  done
}

start() {
  local pid port
  if pid=$(running_pid); then
    wait_ready "$pid" # it may still be starting, e.g. launched by a concurrent start
    log "already running (pid $pid)"
    echo "KAFKA_BROKERS=$BROKERS"
    return
  fi
  command -v java >/dev/null || die "java not found (Kafka $KAFKA_VERSION needs Java 17+)"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    ! port_open "$port" || die "port $port is already in use by another process"
  done

  ensure_jars
  mkdir -p "$DATA_DIR"
  write_config
  # Keep the previous run's log; a fresh file also keeps wait_ready from seeing an old
  # "started" line.
  if [[ -f $SERVER_LOG ]]; then mv "$SERVER_LOG" "$SERVER_LOG.1"; fi
  format_storage

  log "starting Kafka $KAFKA_VERSION on $BROKERS (data: $DATA_DIR, log: $SERVER_LOG)"
  # The broker must outlive this script and must not hold the caller's terminal, pipes
  # (e.g. `$(infra/kafka.sh start)`) or lock open: nohup, setsid where available, stdio
  # redirected, fd 9 (the lock) closed.
  local detach=(nohup)
  if command -v setsid >/dev/null; then detach+=(setsid); fi
  "${detach[@]}" java "${HEAP_OPTS[@]}" "${JAVA_OPTS[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS" \
    </dev/null >>"$SERVER_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  wait_ready "$pid"
  log "started (pid $pid)"
  echo "KAFKA_BROKERS=$BROKERS"
}

stop() {
  local pid deadline
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    log "not running"
    return
  fi
  log "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if ((SECONDS >= deadline)); then
      log "still running after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.5
  done
  rm -f "$PID_FILE"
  log "stopped"
}

status() {
  local pid
  if ! pid=$(running_pid); then
    log "not running"
    return 1
  fi
  if ! port_open "$KAFKA_PORT"; then
    log "running (pid $pid) but not accepting clients on $BROKERS yet"
    return 1
  fi
  log "running (pid $pid), Kafka $KAFKA_VERSION, data: $DATA_DIR"
  echo "KAFKA_BROKERS=$BROKERS"
}

reset() {
  stop
  if [[ ! -d $DATA_DIR ]]; then
    log "nothing to reset"
    return
  fi
  # Guard against a mis-set EARSHOT_KAFKA_DATA: only delete a dir this script created.
  [[ -f $PROPS || -d $LOG_DIR ]] || die "$DATA_DIR does not look like a kafka.sh data dir; not deleting it"
  rm -rf -- "$DATA_DIR"
  log "deleted $DATA_DIR"
}

case ${1:-} in
start) take_lock; start ;;
stop) take_lock; stop ;;
status) status ;;
reset) take_lock; reset ;;
*)
  echo "usage: $0 {start|stop|status|reset}" >&2
  exit 2
  ;;
esac
