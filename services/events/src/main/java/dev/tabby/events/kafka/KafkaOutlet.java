package dev.tabby.events.kafka;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventJson;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Where a node's events leave for Kafka: record key the event's node, value its CloudEvents JSON, on one topic
 * ({@value #EVENTS_TOPIC} or {@value #FLOWS_TOPIC}). {@link #offer} only puts the event in a bounded queue, so the
 * dataplane never waits for Kafka; a daemon thread of its own hands the queue to a {@link KafkaProducer}. An event is
 * dropped and counted when the queue is full or Kafka does not acknowledge it in time (broker gone, slow): etcd stays
 * the source of truth, the bus only tells what happened. An event the producer cannot take yet because it does not
 * know the topic's partitions (no broker answered, or one just restarted) stays at the head of the queue and is tried
 * again for as long as an acknowledgement may take (15 s), so order holds and a broker that returns quickly loses
 * nothing more than what was in flight. When the broker returns the
 * producer reconnects by itself.
 *
 * <p>Order per node: the producer is idempotent (acks=all, at most 5 requests in flight): a retried batch can neither
 * be written twice nor overtake a later one, and all of a node's events share a key, hence a partition. We chose
 * that over max.in.flight=1 without idempotence, which keeps order but writes a retried batch twice when only
 * its acknowledgement was lost.
 */
public final class KafkaOutlet implements EventHub.Outlet, AutoCloseable {
    public static final String EVENTS_TOPIC = "tabby.events";
    public static final String FLOWS_TOPIC = "tabby.flows";
    private static final Logger LOG = Logger.getLogger(KafkaOutlet.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(3);
    /** An event Kafka has not taken or acknowledged within this is dropped (counted). */
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(15);

    private enum State { STARTING, DELIVERING, UNREACHABLE }

    private final String bootstrap;
    private final String topic;
    private final BlockingQueue<CloudEvent> queue;
    /** Made by the drainer, not the constructor: a bootstrap name that does not resolve yet must not stop a service. */
    private volatile Producer<String, String> producer;
    private long nextProducerAttempt;
    private final Thread drainer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private volatile boolean closing;

    /**
     * @param bootstrap kafka-clients' bootstrap.servers, checked by {@link KafkaBootstrap#parse}; a malformed one is
     *                  refused with an IllegalArgumentException naming {@value KafkaBootstrap#VARIABLE}, where a node
     *                  agent's bootstrap comes from
     * @param topic     where the events go
     * @param capacity  events queued at most before {@link #offer} drops
     */
    public KafkaOutlet(String bootstrap, String topic, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Kafka outlet queue capacity must be at least 1, was " + capacity);
        }
        if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("Kafka topic name must be 1-249 letters, digits, '.', '_' or '-': " + topic);
        }
        this.bootstrap = KafkaBootstrap.parse(bootstrap, KafkaBootstrap.VARIABLE);
        KafkaClientLogging.apply();
        this.topic = topic;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.nextProducerAttempt = System.nanoTime();
        this.drainer = new Thread(this::drain, "tabby-kafka-outlet-" + topic);
        drainer.setDaemon(true);
        drainer.start();
    }

    /**
     * The outlet to {@code topic} when {@value KafkaBootstrap#VARIABLE} is set in {@code env}; empty when it is not.
     * IllegalArgumentException naming the variable when its value is not a list of host:port.
     */
    public static Optional<KafkaOutlet> fromEnvironment(Map<String, String> env, String topic, int capacity) {
        return KafkaBootstrap.fromEnvironment(env).map(b -> new KafkaOutlet(b, topic, capacity));
    }

    /** Producer settings for a node agent: nothing here may hold the drainer for long or use unbounded memory. */
    static Properties settings(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "tabby-outlet-" + topic);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // send() waits at most this for metadata or buffer space; a dead broker costs the drainer 1 s per event
        // at worst while the queue in front of it fills and drops
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        // an event not acknowledged within 15 s is dropped (counted): old news is not worth the memory
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis());
        // reconnect quickly after a blip, then back off to one attempt (and one client warning) per 10 s
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 250);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 10000);
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 250);
        p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 5000);
        p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 10000);
        return p;
    }

    /** Queues the event for Kafka without waiting; false (counted in {@link #dropped()}) when the queue is full. */
    @Override
    public boolean offer(CloudEvent event) {
        if (closing || !queue.offer(event)) {
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** Events Kafka acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Events dropped: queue full, not JSON-able, refused or not acknowledged by Kafka in time, left at close. */
    public long dropped() {
        return dropped.get();
    }

    /** Events waiting in the queue now. */
    public int queued() {
        return queue.size();
    }

    public String topic() {
        return topic;
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Stops taking events, sends what is queued for up to 3 s, then closes the producer; the rest is dropped. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            drainer.join(CLOSE_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (drainer.isAlive()) {
            drainer.interrupt();
        }
        // not sent by now: the drainer gave up or is still in send(); those events are lost
        dropped.addAndGet(queue.size());
        queue.clear();
        Producer<String, String> p = producer;
        if (p != null) {
            p.close(CLOSE_GRACE);
        }
    }

    private void drain() {
        long deadline = Long.MAX_VALUE;
        while (true) {
            if (closing && deadline == Long.MAX_VALUE) {
                deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
            }
            CloudEvent event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            // Kafka did not know the topic's partitions within max.block.ms (a broker just restarted, or none yet):
            // the event stays at the head, so order holds, and new ones wait behind it in the bounded queue.
            long giveUp = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            while (!send(event)) {
                if (closing || System.nanoTime() > giveUp) {
                    dropped.incrementAndGet(); // as an unacknowledged one would be: old news is not worth the wait
                    break;
                }
            }
            if (System.nanoTime() > deadline) {
                return;
            }
        }
    }

    /**
     * The producer, made on first use and again 10 s after a failed attempt: kafka-clients refuses to make one while
     * no bootstrap name resolves (DNS not ready, a typo); until then events are dropped and counted.
     */
    private Producer<String, String> producer() {
        Producer<String, String> p = producer;
        if (p != null || System.nanoTime() - nextProducerAttempt < 0) {
            return p;
        }
        try {
            p = new KafkaProducer<>(settings(bootstrap, topic), new StringSerializer(), new StringSerializer());
            producer = p;
            return p;
        } catch (RuntimeException e) {
            nextProducerAttempt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            change(State.UNREACHABLE, e);
            return null;
        }
    }

    /** False when the event was not taken for want of the topic's metadata: try it again. Else sent or dropped. */
    private boolean send(CloudEvent event) {
        Producer<String, String> producer = producer();
        if (producer == null) {
            dropped.incrementAndGet();
            return true;
        }
        String value;
        try {
            value = EventJson.encode(event);
        } catch (IllegalArgumentException e) {
            dropped.incrementAndGet();
            LOG.warnf("event=kafka_event_refused topic=%s type=%s problem=\"%s\"", topic, event.type(), e.getMessage());
            return true;
        }
        Thread drainer = Thread.currentThread();
        boolean[] noMetadata = {false};
        try {
            // kafka-clients hands most failures (timeouts included) to the callback; what it throws is counted here.
            // A wait for metadata that timed out is reported on this thread, inside send(): that event is kept.
            producer.send(new ProducerRecord<>(topic, event.node(), value), (metadata, error) -> {
                if (error instanceof org.apache.kafka.common.errors.TimeoutException && Thread.currentThread() == drainer) {
                    noMetadata[0] = true;
                    change(State.UNREACHABLE, error);
                } else if (error == null) {
                    sent.incrementAndGet();
                    change(State.DELIVERING, null);
                } else {
                    dropped.incrementAndGet();
                    change(State.UNREACHABLE, error);
                }
            });
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            change(State.UNREACHABLE, e);
        }
        return !noMetadata[0];
    }

    /** One log line per change of state, not per event: a dead broker must not flood the node's log. */
    private void change(State to, Throwable error) {
        State from = state.getAndSet(to);
        if (from == to) {
            return;
        }
        if (to == State.DELIVERING) {
            LOG.infof("event=kafka_delivering topic=%s bootstrap=%s sent=%d dropped=%d", topic, bootstrap, sent.get(), dropped.get());
        } else {
            LOG.warnf("event=kafka_unreachable topic=%s bootstrap=%s dropped=%d error=\"%s\"", topic, bootstrap, dropped.get(),
                    describe(error));
        }
    }

    /** The error and its root cause in one line ("Failed to construct kafka producer" alone says nothing). */
    private static String describe(Throwable error) {
        if (error == null) {
            return "";
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = error.getClass().getSimpleName() + ": " + error.getMessage();
        if (root != error) {
            text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return text.replace('"', '\'').replace('\n', ' ');
    }
}
