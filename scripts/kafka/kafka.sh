#!/usr/bin/env bash
# Real Apache Kafka (KRaft) for local development and CI, without Docker: one broker, or a
# cluster of several on loopback. Jars come from Maven Central via scripts/kafka/pom.xml; runs
# with the machine's java.
#
# Usage: scripts/kafka/kafka.sh start|stop|restart|status|topics [TopicCommand args]|cli MAIN_CLASS [args]
#                              |kill N|stop-node N|start-node N|bootstrap
#   topics      e.g. `kafka.sh topics --list`, `kafka.sh topics --describe --topic foo`
#   cli         any Kafka CLI main class with the broker's classpath, e.g.
#               `kafka.sh cli org.apache.kafka.tools.ConsumerPerformance --bootstrap-server 127.0.0.1:9092 ...`
#   kill N      SIGKILL node N (1-based), as a crash would; `stop-node N` stops it cleanly
#               (SIGTERM); `start-node N` starts it again and waits until the cluster answers
#   bootstrap   print the host:port list of every node (for KAFKA_BROKERS)
#
# Environment:
#   SITREP_KAFKA_HOME      jar cache          (default ~/.cache/sitrep/kafka-3.9; jars in libs/)
#   SITREP_KAFKA_DATA      config, logs, data (default ~/.cache/sitrep/kafka-data; node-N/ per
#                          node of a cluster)
#   KAFKA_NODES            brokers            (default 1; 3 makes a cluster: every node a broker
#                          and a KRaft controller, internal topics and new topics replicated 3
#                          times with min.insync.replicas 2)
#   KAFKA_PORT             client listener of node 1; node N listens on KAFKA_PORT+N-1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller of node 1, likewise (default KAFKA_PORT+1 for one
#                          broker, KAFKA_PORT+100 for a cluster)
#   KAFKA_HEAP_OPTS        heap of each broker (default -Xmx1g -Xms512m; -Xmx384m -Xms256m in a cluster)
#   KAFKA_START_TIMEOUT    seconds to wait for the brokers (default 90; 180 for a cluster)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n1)"

KAFKA_HOME_DIR="${SITREP_KAFKA_HOME:-$HOME/.cache/sitrep/kafka-3.9}"
DATA_DIR="${SITREP_KAFKA_DATA:-$HOME/.cache/sitrep/kafka-data}"
NODES="${KAFKA_NODES:-1}"
[[ "$NODES" =~ ^[1-9]$ ]] || { echo "[kafka] ERROR: KAFKA_NODES must be 1 to 9" >&2; exit 2; }
KAFKA_PORT="${KAFKA_PORT:-9092}"
if ((NODES == 1)); then
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1g -Xms512m}"
  START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
else
  KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 100))}"
  KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx384m -Xms256m}"
  START_TIMEOUT="${KAFKA_START_TIMEOUT:-180}"
fi
# Replication of internal topics and the default of new ones: 3 with 2 in sync on a cluster.
REPLICATION=$((NODES >= 3 ? 3 : NODES))
MIN_ISR=$((REPLICATION >= 3 ? 2 : 1))

LIBS_DIR="$KAFKA_HOME_DIR/libs"
MARKER="$LIBS_DIR/.sitrep-complete"
TOOLS_LOG4J_PROPS="$DATA_DIR/config/tools-log4j.properties"
CLUSTER_ID_FILE="$DATA_DIR/cluster.id"

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not installed"; }

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

# Per node N (1-based). A single broker keeps the historical layout, directly in $DATA_DIR.
node_dir() { if ((NODES == 1)); then echo "$DATA_DIR"; else echo "$DATA_DIR/node-$1"; fi; }
node_port() { echo $((KAFKA_PORT + $1 - 1)); }
node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + $1 - 1)); }
pid_file() { echo "$(node_dir "$1")/kafka.pid"; }
server_log() { echo "$(node_dir "$1")/server.log"; }
console_log() { echo "$(node_dir "$1")/kafka.out"; }
server_props() { echo "$(node_dir "$1")/config/server.properties"; }
all_nodes() { seq 1 "$NODES"; }

joined() {
  local IFS=,
  echo "$*"
}
bootstrap_list() {
  local n list=()
  for n in $(all_nodes); do list+=("127.0.0.1:$(node_port "$n")"); done
  joined "${list[@]}"
}
voters() {
  local n list=()
  for n in $(all_nodes); do list+=("$n@127.0.0.1:$(node_controller_port "$n")"); done
  joined "${list[@]}"
}
BOOTSTRAP="$(bootstrap_list)"

# ---------------------------------------------------------------- jars
fetch_jars() {
  if [[ -f "$MARKER" && "$(cat "$MARKER")" == "$(pom_hash)" ]]; then
    return 0
  fi
  need mvn
  log "fetching Kafka $KAFKA_VERSION jars with Maven (first run only)…"
  mkdir -p "$KAFKA_HOME_DIR"
  local tmp="$KAFKA_HOME_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  local mvn_log="$KAFKA_HOME_DIR/maven.log"
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
    rm -rf "$tmp"
    cat "$mvn_log" >&2
    die "Maven could not resolve Kafka $KAFKA_VERSION (output above, also in $mvn_log)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" && -f "$tmp/kafka-tools-$KAFKA_VERSION.jar" ]] \
    || die "Maven finished but Kafka jars are missing in $tmp"
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  pom_hash >"$MARKER"
  log "jars cached in $LIBS_DIR ($(find "$LIBS_DIR" -name '*.jar' | wc -l) jars)"
}

# ---------------------------------------------------------------- config
write_config() {
  local node="$1" dir
  dir="$(node_dir "$node")"
  mkdir -p "$dir/config" "$dir/kraft-logs"
  cat >"$(server_props "$node")" <<EOF
# Generated by scripts/kafka/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(voters)
listeners=PLAINTEXT://127.0.0.1:$(node_port "$node"),CONTROLLER://127.0.0.1:$(node_controller_port "$node")
advertised.listeners=PLAINTEXT://127.0.0.1:$(node_port "$node")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/kraft-logs

num.partitions=6
default.replication.factor=$REPLICATION
min.insync.replicas=$MIN_ISR
offsets.topic.replication.factor=$REPLICATION
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$REPLICATION
transaction.state.log.min.isr=$MIN_ISR
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
unclean.leader.election.enable=false
# A broker that stops heartbeating is fenced (its partitions led elsewhere) after this long.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=6000

num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
log.segment.bytes=104857600
log.retention.check.interval.ms=300000
EOF

  cat >"$dir/config/log4j.properties" <<EOF
log4j.rootLogger=INFO, file, console

log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$(server_log "$node")
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.appender.console=org.apache.log4j.ConsoleAppender
log4j.appender.console.Threshold=WARN
log4j.appender.console.layout=org.apache.log4j.PatternLayout
log4j.appender.console.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
EOF
}

# Quiet logging for short-lived CLI tools (WARN to stderr).
write_tools_log4j() {
  mkdir -p "$DATA_DIR/config"
  cat >"$TOOLS_LOG4J_PROPS" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# Every node of a cluster is formatted with the same cluster id.
format_storage() {
  local node="$1" dir cluster_id
  dir="$(node_dir "$node")"
  if [[ -f "$dir/kraft-logs/meta.properties" ]]; then
    return 0
  fi
  if [[ -s "$CLUSTER_ID_FILE" ]]; then
    cluster_id="$(cat "$CLUSTER_ID_FILE")"
  else
    cluster_id="$(java -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$TOOLS_LOG4J_PROPS" \
      kafka.tools.StorageTool random-uuid)"
    echo "$cluster_id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting KRaft storage of node $node in $dir/kraft-logs (cluster id $cluster_id)"
  java -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$TOOLS_LOG4J_PROPS" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$(server_props "$node")" >/dev/null
}

# ---------------------------------------------------------------- process helpers
read_pid() {
  local f
  f="$(pid_file "$1")"
  if [[ -f "$f" ]]; then
    tr -dc '0-9' <"$f"
  fi
}

# True when node N's pid file points at a live Kafka broker process.
is_running() {
  local pid
  pid="$(read_pid "$1")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be our kafka.Kafka.
  grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Proves the brokers serve requests (ApiVersions + metadata), not just that ports are bound:
# every node must be listed by the cluster.
brokers_answer() {
  local out
  out="$(timeout 30 java -Xmx128m -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$TOOLS_LOG4J_PROPS" \
    kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$BOOTSTRAP" 2>/dev/null)" || return 1
  (($(grep -c '(id: ' <<<"$out") >= NODES))
}

show_log_tail() {
  local f
  for f in "$(console_log "$1")" "$(server_log "$1")"; do
    if [[ -s "$f" ]]; then
      printf '[kafka] ---- last lines of %s ----\n' "$f" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

# Start node N in the background, without waiting.
launch_node() {
  local node="$1" port
  port="$(node_port "$node")"
  if port_open "$port"; then
    die "port $port is already in use by another process (not started by this script)"
  fi
  write_config "$node"
  format_storage "$node"
  local -a heap
  read -r -a heap <<<"$KAFKA_HEAP_OPTS"
  : >"$(console_log "$node")"
  nohup java "${heap[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$(node_dir "$node")/config/log4j.properties" \
    -Dkafka.logs.dir="$(node_dir "$node")" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$(server_props "$node")" \
    >>"$(console_log "$node")" 2>&1 </dev/null &
  echo "$!" >"$(pid_file "$node")"
}

# Wait until nodes "$@" listen and the cluster lists every node.
wait_for_nodes() {
  local deadline=$((SECONDS + START_TIMEOUT)) node pending
  while ((SECONDS < deadline)); do
    pending=0
    for node in "$@"; do
      # Only whether the process lives: just after the launch it may not have exec'd java yet.
      if ! kill -0 "$(read_pid "$node")" 2>/dev/null; then
        rm -f "$(pid_file "$node")"
        printf '[kafka] ERROR: node %s exited during startup\n' "$node" >&2
        show_log_tail "$node"
        exit 1
      fi
      port_open "$(node_port "$node")" || pending=1
    done
    if ((pending == 0)) && brokers_answer; then
      return 0
    fi
    sleep 1
  done
  printf '[kafka] ERROR: brokers did not answer on %s within %ss (left running; stop them with %s stop)\n' \
    "$BOOTSTRAP" "$START_TIMEOUT" "$0" >&2
  for node in "$@"; do show_log_tail "$node"; done
  exit 1
}

# Stop node N with a signal (TERM: a clean shutdown) and wait for it; SIGKILL after 30 s.
stop_node() {
  local node="$1" pid i
  if ! is_running "$node"; then
    rm -f "$(pid_file "$node")"
    return 0
  fi
  pid="$(read_pid "$node")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$(pid_file "$node")"
      return 0
    fi
    sleep 0.5
  done
  log "node $node still alive after 30 s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 1
  rm -f "$(pid_file "$node")"
}

node_arg() {
  [[ "${1:-}" =~ ^[1-9]$ ]] && (($1 <= NODES)) || die "name a node from 1 to $NODES"
  echo "$1"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  need java
  local node to_start=()
  for node in $(all_nodes); do
    if is_running "$node"; then
      port_open "$(node_port "$node")" \
        || die "node $node (pid $(read_pid "$node")) is alive but 127.0.0.1:$(node_port "$node") does not answer; run '$0 stop' first (log: $(server_log "$node"))"
    else
      to_start+=("$node")
    fi
  done
  if ((${#to_start[@]} == 0)); then
    log "already running ($NODES node(s)) on $BOOTSTRAP"
    return 0
  fi
  fetch_jars
  mkdir -p "$DATA_DIR"
  write_tools_log4j
  log "starting Kafka $KAFKA_VERSION (KRaft, $NODES node(s)) on $BOOTSTRAP, data in $DATA_DIR"
  for node in "${to_start[@]}"; do launch_node "$node"; done
  wait_for_nodes "${to_start[@]}"
  log "started, ready on $BOOTSTRAP"
}

cmd_stop() {
  local node any=0
  for node in $(all_nodes); do
    if is_running "$node"; then
      any=1
      log "stopping node $node, pid $(read_pid "$node")…"
      kill -TERM "$(read_pid "$node")" 2>/dev/null || true
    fi
  done
  for node in $(all_nodes); do stop_node "$node"; done
  if ((any == 0)); then log "not running"; else log "stopped"; fi
}

cmd_status() {
  local node running=0
  for node in $(all_nodes); do
    if is_running "$node"; then
      running=$((running + 1))
      if port_open "$(node_port "$node")"; then
        log "node $node running, pid $(read_pid "$node"), on 127.0.0.1:$(node_port "$node") (data: $(node_dir "$node"))"
      else
        log "node $node: pid $(read_pid "$node") alive but 127.0.0.1:$(node_port "$node") not answering (starting or unhealthy)"
      fi
    else
      log "node $node not running"
    fi
  done
  ((running > 0)) || return 3
}

cmd_kill() {
  local node
  node="$(node_arg "${1:-}")"
  is_running "$node" || die "node $node is not running"
  kill -KILL "$(read_pid "$node")"
  rm -f "$(pid_file "$node")"
  log "node $node killed (SIGKILL)"
}

cmd_stop_node() {
  local node
  node="$(node_arg "${1:-}")"
  stop_node "$node"
  log "node $node stopped"
}

cmd_start_node() {
  local node
  node="$(node_arg "${1:-}")"
  if is_running "$node"; then
    log "node $node already running"
    return 0
  fi
  need java
  fetch_jars
  write_tools_log4j
  launch_node "$node"
  wait_for_nodes "$node"
  log "node $node started, ready on 127.0.0.1:$(node_port "$node")"
}

cmd_cli() {
  [[ $# -ge 1 ]] || die "usage: $0 cli MAIN_CLASS [args…]"
  fetch_jars >&2
  [[ -f "$TOOLS_LOG4J_PROPS" ]] || write_tools_log4j
  local main="$1"
  shift
  exec java -Xmx512m -cp "$LIBS_DIR/*" -Dlog4j.configuration="file:$TOOLS_LOG4J_PROPS" "$main" "$@"
}

cmd_topics() {
  if [[ $# -eq 0 ]]; then
    set -- --list
  fi
  cmd_cli org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    kill) cmd_kill "$@" ;;
    stop-node) cmd_stop_node "$@" ;;
    start-node) cmd_start_node "$@" ;;
    bootstrap) bootstrap_list ;;
    topics) cmd_topics "$@" ;;
    cli) cmd_cli "$@" ;;
    fetch) fetch_jars ;;
    *)
      echo "usage: $0 start|stop|restart|status|kill N|stop-node N|start-node N|bootstrap|topics [args]|cli MAIN_CLASS [args]|fetch" >&2
      exit 2
      ;;
  esac
}

main "$@"
