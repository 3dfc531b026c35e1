package dev.tabby.ctl.events;

import dev.tabby.ctl.Errors;
import dev.tabby.ctl.commands.CommandFailedException;
import dev.tabby.events.CloudEvent;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Reads a Kafka topic ({@code tabby.events} or {@code tabby.flows}: every node's events, keyed by node) through
 * {@link TopicReader}, the seam to services/events' Kafka reader. Without follow the reader stops at the topic's end
 * as it was when reading started; with follow it goes on until interrupted.
 */
public final class KafkaFeed implements EventFeed {
    /** Reading one topic; implemented over services/events' KafkaEventReader. */
    @FunctionalInterface
    public interface TopicReader {
        /**
         * Hands each event of {@code topic} with a time at or after {@code since} (null: from the oldest kept) to
         * {@code each}, in the topic's order per node.
         *
         * @return how many records were skipped because they were not CloudEvents
         */
        long read(String topic, Instant since, boolean follow, Consumer<CloudEvent> each) throws Exception;
    }

    private final TopicReader reader;
    private final String bootstrap;
    private final String topic;
    private final Instant since;
    private final boolean follow;

    public KafkaFeed(TopicReader reader, String bootstrap, String topic, Instant since, boolean follow) {
        this.reader = reader;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.since = since;
        this.follow = follow;
    }

    @Override
    public void read(Receiver receiver) throws InterruptedException {
        // The topic's order is the order to show: a follower prints as records come, not after a first batch.
        if (follow) {
            receiver.caughtUp();
        }
        long skipped;
        try {
            skipped = reader.read(topic, since, follow, receiver::event);
        } catch (InterruptedException e) {
            throw e;
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // kafka-clients' unchecked form of an interrupt while following: the reading was stopped, not broken.
            throw new InterruptedException("interrupted while reading Kafka topic " + topic);
        } catch (RuntimeException e) {
            if (e instanceof CommandFailedException) {
                throw e;
            }
            throw failed(e);
        } catch (Exception e) {
            throw failed(e);
        }
        if (skipped > 0) {
            receiver.notice("skipped " + skipped + " records of Kafka topic " + topic + " at " + bootstrap
                    + " that were not CloudEvents 1.0 JSON");
        }
        if (!follow) {
            receiver.caughtUp();
        }
    }

    private CommandFailedException failed(Exception e) {
        return new CommandFailedException("could not read Kafka topic " + topic + " at " + bootstrap + ": "
                + Errors.oneLine(e));
    }
}
