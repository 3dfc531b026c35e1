package dev.tabby.renderer.status;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.status.FelixStatusKeys;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Writes each local endpoint's status where Felix v3.18 writes it (statusrep/status_reporter.go): {@code {"status":"up"}}
 * under {@link FelixStatusKeys}, once the endpoint's chains are in the kernel; the key is deleted when the endpoint
 * goes. On its own thread, so a slow etcd never holds up the apply loop; only the newest desired state is kept, and a
 * failed write is tried again on the next turn. The first turn lists what is stored for this node and deletes
 * statuses of endpoints that are gone (a restart after endpoints were removed), as Felix's resync does.
 */
public final class EndpointStatusReporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EndpointStatusReporter.class);
    private static final long RETRY_MS = 1000;

    private final KeyValueStore store;
    private final String node;
    private final AtomicReference<Map<String, String>> desired = new AtomicReference<>();
    private final Map<String, String> written = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean listed;

    public EndpointStatusReporter(KeyValueStore store, String node) {
        this.store = store;
        this.node = node;
        this.thread = new Thread(this::run, "tabby-endpoint-status");
        this.thread.setDaemon(true);
    }

    public EndpointStatusReporter start() {
        thread.start();
        return this;
    }

    /** The status every local endpoint should have now: status key -> "up" | "down" | "error". */
    public void offer(Map<String, String> statusByKey) {
        desired.set(Map.copyOf(statusByKey));
        synchronized (this) {
            notifyAll();
        }
    }

    /** What has been written, by key (for the status page). */
    public synchronized Map<String, String> written() {
        return Map.copyOf(written);
    }

    private void run() {
        Map<String, String> target = null;
        while (running) {
            Map<String, String> next = desired.getAndSet(null);
            if (next != null) {
                target = next;
            }
            boolean ok = true;
            if (target != null) {
                ok = converge(target);
            }
            synchronized (this) {
                try {
                    if (desired.get() == null) {
                        wait(ok ? 0 : RETRY_MS);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private boolean converge(Map<String, String> target) {
        try {
            if (!listed) {
                for (String prefix : new String[] {FelixStatusKeys.workloadEndpointStatusPrefix(node),
                        FelixStatusKeys.hostEndpointStatusPrefix(node)}) {
                    for (KvEntry e : store.list(prefix).entries()) {
                        synchronized (this) {
                            written.put(e.key(), String.valueOf(FelixStatusKeys.endpointStatusOf(e.valueAsString())));
                        }
                    }
                }
                listed = true;
            }
            Set<String> gone = new HashSet<>(written.keySet());
            gone.removeAll(target.keySet());
            for (String key : gone) {
                store.delete(key);
                synchronized (this) {
                    written.remove(key);
                }
            }
            for (Map.Entry<String, String> e : target.entrySet()) {
                if (!e.getValue().equals(written.get(e.getKey()))) {
                    store.put(e.getKey(), FelixStatusKeys.endpointStatusValue(e.getValue()).getBytes(StandardCharsets.UTF_8));
                    synchronized (this) {
                        written.put(e.getKey(), e.getValue());
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("event=endpoint_status_write_failed node=%s problem=\"%s\" action=retry_in_1s", node, e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
