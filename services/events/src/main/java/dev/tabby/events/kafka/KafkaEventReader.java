package dev.tabby.events.kafka;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the CloudEvents of a topic back (for {@code tabbyctl events} and {@code tabbyctl flows}): every partition,
 * from the beginning or from a time, up to the end as it was when reading began, or on (follow). A consumer without
 * a group: it commits nothing and leaves no trace on the cluster. What is on the topic is untrusted: a record that is
 * not a CloudEvents 1.0 event is skipped and counted, and each kind of problem is logged once.
 * One reader is used by one thread; {@link #stop()} is the only call for another thread.
 */
public final class KafkaEventReader implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaEventReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final int KINDS_LOGGED = 32;

    private final String bootstrap;
    private final KafkaConsumer<String, String> consumer;
    private final AtomicLong skipped = new AtomicLong();
    private final Set<String> kindsSeen = new HashSet<>();
    private volatile boolean stopped;

    /** @param bootstrap kafka-clients' bootstrap.servers, checked by {@link KafkaBootstrap#parse} */
    public KafkaEventReader(String bootstrap) {
        this.bootstrap = KafkaBootstrap.parse(bootstrap, "Kafka bootstrap");
        KafkaClientLogging.apply();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "tabby-event-reader");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // reading a topic that does not exist yet must not create it
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER.toMillis());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER.toMillis());
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Hands {@code sink} the events of {@code topic}, in order within each partition (so in order per node).
     *
     * @param since  from the first record written at or after this time (Kafka's offsetsForTimes on the records'
     *               timestamps); null: from the beginning
     * @param follow false: stop at the end of the topic as it was when reading began; true: wait for more, until
     *               {@code stop} says so or {@link #stop()} is called
     * @param stop   asked after each event handed to {@code sink}; true ends the reading
     * @return the number of events handed to {@code sink}
     * @throws IllegalStateException when Kafka does not answer within 10 s
     */
    public long read(String topic, Instant since, boolean follow, Predicate<CloudEvent> stop, Consumer<CloudEvent> sink) {
        long delivered = 0;
        try {
            List<TopicPartition> partitions = partitions(topic, follow);
            if (partitions.isEmpty()) {
                return 0;
            }
            consumer.assign(partitions);
            seek(partitions, since);
            Map<TopicPartition, Long> end = follow ? Map.of() : consumer.endOffsets(partitions, ANSWER);
            while (!stopped) {
                if (!follow && reached(end)) {
                    return delivered;
                }
                for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
                    CloudEvent event = decode(r);
                    if (event == null) {
                        continue;
                    }
                    sink.accept(event);
                    delivered++;
                    if (stop.test(event)) {
                        return delivered;
                    }
                }
            }
            return delivered;
        } catch (WakeupException e) {
            return delivered;
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within " + ANSWER.toSeconds()
                    + " s (" + e.getMessage() + "); check that it runs and that TABBY_KAFKA_BOOTSTRAP names it");
        } finally {
            consumer.unsubscribe();
        }
    }

    /** Records of the topics read that were not CloudEvents 1.0 events, skipped. */
    public long skipped() {
        return skipped.get();
    }

    /** Ends a {@link #read} in progress (a follow) from another thread; it returns what it delivered. */
    public void stop() {
        stopped = true;
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }

    /** The topic's partitions; a topic not made yet has none: when following, wait for it to appear. */
    private List<TopicPartition> partitions(String topic, boolean follow) {
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, ANSWER);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            if (!follow || stopped) {
                return List.of();
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
    }

    private void seek(List<TopicPartition> partitions, Instant since) {
        if (since == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(p -> times.put(p, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, ANSWER);
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = found.get(p);
            if (at != null) {
                consumer.seek(p, at.offset());
            } else {
                // nothing written there since then: only what comes next
                consumer.seekToEnd(List.of(p));
            }
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), ANSWER) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private CloudEvent decode(ConsumerRecord<String, String> r) {
        try {
            if (r.value() == null) {
                throw new IllegalArgumentException("record has no value");
            }
            return EventJson.decode(r.value());
        } catch (IllegalArgumentException e) {
            skipped.incrementAndGet();
            String problem = e.getMessage();
            String kind = kind(problem);
            if (kindsSeen.size() < KINDS_LOGGED && kindsSeen.add(kind)) {
                LOG.warnf("event=kafka_record_skipped topic=%s partition=%d offset=%d problem=\"%s\""
                        + " (later records with this problem are only counted)", r.topic(), r.partition(), r.offset(),
                        problem.replace('"', '\''));
            }
            return null;
        }
    }

    /** A problem without the record's own values, so that a thousand bad times log one line. */
    static String kind(String problem) {
        int detail = problem.indexOf(": ");
        String k = detail < 0 ? problem : problem.substring(0, detail);
        return k.replaceAll("specversion is '[^']*'", "specversion is '…'").replaceAll("'[^']*' is not", "'…' is not");
    }
}
