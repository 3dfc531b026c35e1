package dev.tabby.renderer.flows;

import java.util.function.Consumer;

/**
 * Where flow logs read from: logged packets (NFLOG) or ended connections (conntrack). One thread calls
 * {@link #receive}, which blocks until {@link #close()}; tests hand in their own.
 */
public interface FlowSource<T> extends AutoCloseable {
    /** Delivers each item to {@code sink} on the calling thread until closed. */
    void receive(Consumer<T> sink);

    /** Times the kernel dropped messages because this source's socket buffer was full. */
    long overruns();

    /** Stops {@link #receive}; idempotent. */
    @Override
    void close();
}
