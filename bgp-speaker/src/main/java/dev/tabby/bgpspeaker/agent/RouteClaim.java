package dev.tabby.bgpspeaker.agent;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.status.LeasedKey;
import dev.tabby.datastore.status.RouteClaims;
import java.time.Duration;

/**
 * This node's claim on its IP-in-IP routes ({@link RouteClaims}): held in etcd while bgp-speaker runs here, so
 * ipip-manager leaves those routes to us. Calico v3.18 has no such claim (only BIRD programs IP-in-IP routes there);
 * Tabby needs it because ipip-manager programs them when no speaker runs.
 *
 * <p>Every (re)take of the claim says {@link RouteClaims#WAITING}: while nobody held it, ipip-manager may have replaced
 * our routes with its own. The claim then has the kernel loop re-read the kernel, and says
 * {@link RouteClaims#PROGRAMMING} only after the first apply after that re-read which wrote the kernel with no
 * failures (so the speaker was converged and its configuration in sync): our routes are back in place, and
 * ipip-manager may now remove its own. An apply that was already running when the claim was taken does not count,
 * and "programming" meant for one take is never written under the next ({@link LeasedKey#set(String, long)}).
 */
public final class RouteClaim implements AutoCloseable {
    /**
     * How long a dead speaker's IP-in-IP routes stay unmanaged before ipip-manager takes them over: the claim's lease
     * expires this long after the last keep-alive. Short enough that a crashed speaker's stale routes are not left
     * alone for long; long enough (three keep-alives, one every 5 s) that a slow etcd or a GC pause does not hand the
     * routes over and back.
     */
    public static final Duration TTL = Duration.ofSeconds(15);
    static final String SERVICE = "bgp-speaker";

    /** The kernel loop, as the claim needs it. */
    public interface KernelLoop {
        /**
         * Re-read the kernel before the next apply; {@code armed} runs on the loop's thread after the re-read is asked
         * for and before that apply.
         */
        void resyncThen(Runnable armed);

        /** {@code listener} runs on the loop's thread after each apply that wrote the kernel with no failures. */
        void onKernelApplied(Runnable listener);
    }

    private final LeasedKey key;
    private final KernelLoop loop;
    // On the kernel loop's thread only: the take armed by the last re-read, and the last take said programming for.
    private long armed;
    private long programming;

    public RouteClaim(KeyValueStore store, String node, KernelLoop loop) {
        this(store, node, loop, TTL);
    }

    /** With another TTL: for tests, which cannot wait 15 s for a lease to expire. */
    RouteClaim(KeyValueStore store, String node, KernelLoop loop, Duration ttl) {
        this.loop = loop;
        this.key = new LeasedKey(store, RouteClaims.of(node), ttl, RouteClaims.value(SERVICE, RouteClaims.WAITING),
                this::taken);
    }

    /** Takes the claim (at once; etcd trouble is retried on the claim's own thread). */
    public RouteClaim start() {
        loop.onKernelApplied(this::kernelApplied);
        key.start();
        return this;
    }

    /** Revokes the claim: ipip-manager takes the routes at once. Call it after the kernel loop has stopped. */
    @Override
    public void close() {
        key.close();
    }

    /** On the claim's thread, once the key is ours again and says waiting. */
    private void taken(long take) {
        loop.resyncThen(() -> armed = take);
    }

    private void kernelApplied() {
        long take = armed;
        if (take != 0 && take != programming) {
            programming = take;
            key.set(RouteClaims.value(SERVICE, RouteClaims.PROGRAMMING), take);
        }
    }
}
