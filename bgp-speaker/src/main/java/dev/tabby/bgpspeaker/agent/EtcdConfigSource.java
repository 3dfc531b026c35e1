package dev.tabby.bgpspeaker.agent;

import dev.tabby.bgpspeaker.config.ConfigWatcher;
import dev.tabby.bgpspeaker.config.NodeBgpConfig;
import dev.tabby.datastore.KeyValueStore;
import java.util.function.Consumer;

/** The service's configuration: the node's BGP resources in etcd, followed with a watch. */
public final class EtcdConfigSource implements ConfigSource {
    private final KeyValueStore store;
    private final String node;
    private ConfigWatcher watcher;

    public EtcdConfigSource(KeyValueStore store, String node) {
        this.store = store;
        this.node = node;
    }

    @Override
    public void start(Consumer<NodeBgpConfig> consumer) {
        // calico-node's CALICO_ROUTER_ID: unset for the node's IPv4 address, "hash" or an address.
        watcher = new ConfigWatcher(store, node, System.getenv("CALICO_ROUTER_ID"), ConfigWatcher.DEFAULT_COALESCE,
                consumer).start();
    }

    @Override
    public boolean inSync() {
        return watcher != null && watcher.inSync();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
