package dev.tabby.bgpspeaker.agent;

import dev.tabby.bgpspeaker.config.NodeBgpConfig;
import java.util.function.Consumer;

/** Where a node's BGP configuration comes from: etcd (the service) or a file (the standalone speaker). */
public interface ConfigSource extends AutoCloseable {
    /** Starts delivering configurations to {@code consumer}, each time it changes. */
    void start(Consumer<NodeBgpConfig> consumer);

    /** The configuration delivered is the datastore's current one. */
    boolean inSync();

    @Override
    void close();
}
