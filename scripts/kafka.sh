# The local single-node Kafka (KRaft) for this machine and the testbed: data in var/kafka, bootstrap
# 127.0.0.1:9092 (TABBY_LOCAL_KAFKA_PORT to change it). Sourced by bin/tabby. The broker is Maven Central's
# kafka_2.13, run by dev.tabby.events.kafka.KafkaBroker (services/events test-jar) from the jars that the
# services/events build resolved; its log is var/kafka/broker.log, its PID var/kafka/broker.pid.
KAFKA_DIR="$TABBY_ROOT/var/kafka"
KAFKA_PORT="${TABBY_LOCAL_KAFKA_PORT:-9092}"

# kafka_main start|stop|kill|status --dir DIR [--port PORT]: the launcher, on the broker's own classpath (which
# holds kafka-clients for its readiness check). Exit 3 from status: not running.
kafka_main() {
  local classes="$TABBY_ROOT/services/events/target/test-classes"
  local cp_file="$classes/dev/tabby/events/kafka/broker.classpath"
  [ -f "$cp_file" ] || build
  [ -f "$cp_file" ] || die "no $cp_file after the build; run 'mvn -B -pl services/events -DskipTests install'"
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
    -cp "$classes:$TABBY_ROOT/services/events/target/classes:$(cat "$cp_file")" dev.tabby.events.kafka.KafkaBrokerMain "$@"
}

kafka_start() {
  mkdir -p "$KAFKA_DIR"
  kafka_main start --dir "$KAFKA_DIR" --port "$KAFKA_PORT" || die "kafka did not start; its log is $KAFKA_DIR/broker.log"
  say "kafka bootstrap: TABBY_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
}

kafka_stop() {
  kafka_main stop --dir "$KAFKA_DIR"
}

# kafka_kill: SIGKILL, as a crash would; kafka_start brings it back with its topics.
kafka_kill() {
  kafka_main kill --dir "$KAFKA_DIR"
}

kafka_status() {
  kafka_main status --dir "$KAFKA_DIR"
}
