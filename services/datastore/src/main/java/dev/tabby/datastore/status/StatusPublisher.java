package dev.tabby.datastore.status;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.KeyValueStore;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Writes one service's status document for one node. The status is a report, not desired state: the last writer
 * wins and a failed write is retried with the next report, so a plain put is right here.
 */
public final class StatusPublisher {
    private static final Logger LOG = Logger.getLogger(StatusPublisher.class);
    private final KeyValueStore store;
    private final String key;
    private String lastPublished;
    // Whether the last attempt failed: a failure is logged once when it starts (then at debug), and the recovery once.
    private boolean failing;

    public StatusPublisher(KeyValueStore store, String node, String service) {
        this.store = store;
        this.key = StatusKeys.of(node, service);
    }

    public String key() {
        return key;
    }

    /**
     * Publishes {@code json} unless it is what was published last; returns whether it wrote. A failed write is not
     * thrown: it is logged (once while it keeps failing) and tried again with the next report.
     */
    public synchronized boolean publishIfChanged(String json) {
        if (json.equals(lastPublished)) {
            return false;
        }
        try {
            publish(json);
            lastPublished = json;
            if (failing) {
                failing = false;
                LOG.infof("event=status_publish_recovered key=%s", key);
            }
            return true;
        } catch (DatastoreException e) {
            if (failing) {
                LOG.debugf("event=status_publish_failed key=%s error=\"%s\"", key, e.getMessage());
            } else {
                failing = true;
                LOG.warnf("event=status_publish_failed key=%s error=\"%s\" retry=\"with every report; logged again"
                        + " when it recovers\"", key, e.getMessage());
            }
            return false;
        }
    }

    /** Publishes {@code json}; returns the revision written. */
    public long publish(String json) {
        return store.put(key, json.getBytes(StandardCharsets.UTF_8));
    }
}
