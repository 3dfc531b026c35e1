package dev.tabby.ctl.events;

import dev.tabby.events.CloudEvent;

/**
 * Where {@code tabbyctl events} and {@code tabbyctl flows} read from: the services' Server-Sent Events endpoints
 * ({@link SseFeed}) or a Kafka topic ({@link KafkaFeed}). Both hand over CloudEvents; the command filters and prints.
 */
public interface EventFeed {
    /**
     * Reads and hands everything to {@code receiver} on the calling thread. Without follow it returns once what
     * existed when it started has been handed over; with follow it returns when every stream has ended.
     *
     * @throws dev.tabby.ctl.commands.CommandFailedException when nothing could be read at all
     */
    void read(Receiver receiver) throws InterruptedException;

    /** What a feed hands over, always from one thread. */
    interface Receiver {
        void event(CloudEvent event);

        /** Something that came in but is not a CloudEvent; {@code problem} is decode's one-line reason. */
        void bad(String from, String problem);

        /** Everything that existed when reading started has been handed over; what follows is live. */
        void caughtUp();

        /** A line for standard error: sources that could not be read, a stream that ended. */
        void notice(String line);
    }
}
