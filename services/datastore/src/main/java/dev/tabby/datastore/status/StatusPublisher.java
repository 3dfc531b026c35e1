package dev.tabby.datastore.status;

import dev.tabby.datastore.KeyValueStore;
import java.nio.charset.StandardCharsets;

/**
 * Writes one service's status document for one node. The status is a report, not desired state: the last writer
 * wins and a failed write is retried with the next report, so a plain put is right here.
 */
public final class StatusPublisher {
    private final KeyValueStore store;
    private final String key;

    public StatusPublisher(KeyValueStore store, String node, String service) {
        this.store = store;
        this.key = StatusKeys.of(node, service);
    }

    public String key() {
        return key;
    }

    /** Publishes {@code json}; returns the revision written. */
    public long publish(String json) {
        return store.put(key, json.getBytes(StandardCharsets.UTF_8));
    }
}
