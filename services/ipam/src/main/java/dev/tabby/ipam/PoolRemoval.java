package dev.tabby.ipam;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deleting an IPPool as Calico's client does (libcalico-go release-v3.18 lib/clientv3/ippool.go Delete): the pool is
 * disabled first, so no new block is claimed from it, then, after a pause for assignments already under way, every
 * node's affinity for a block of the pool is released (ipam.go ReleasePoolAffinities: empty blocks go, blocks still
 * holding addresses stay without an owner), and last the pool is deleted. Addresses in use stay assigned: their
 * workloads keep them until they are released.
 */
public final class PoolRemoval {
    private static final Logger LOG = Logger.getLogger(PoolRemoval.class);
    /** ippool.go waits this long between disabling the pool and releasing its affinities. */
    static final Duration SETTLE = Duration.ofMillis(500);

    private final KeyValueStore kv;
    private final ResourceStore store;
    private final Ipam ipam;
    private final Duration settle;

    public PoolRemoval(KeyValueStore kv, ResourceStore store, Ipam ipam) {
        this(kv, store, ipam, SETTLE);
    }

    PoolRemoval(KeyValueStore kv, ResourceStore store, Ipam ipam, Duration settle) {
        this.kv = kv;
        this.store = store;
        this.ipam = ipam;
        this.settle = settle;
    }

    /** What went with the pool. */
    public record Removed(Resource pool, List<Cidr> affinitiesReleased) {
    }

    /**
     * @param resourceVersion the pool's version the caller read, or null; checked on the first write
     * @throws ResourceNotFoundException when there is no such pool (nothing is touched then)
     */
    public Removed delete(String name, String resourceVersion) {
        ResourceId id = new ResourceId(Kind.IP_POOL, null, name);
        // Read leniently: a pool another writer stored that Tabby would refuse must still be removable.
        IPPool pool = (IPPool) store.getLenient(id).orElseThrow(() -> new ResourceNotFoundException(id, null)).resource();
        String version = resourceVersion;
        if (!Boolean.TRUE.equals(pool.spec().disabled())) {
            IPPool.Spec s = pool.spec();
            IPPool disabled = new IPPool(pool.metadata().withResourceVersion(resourceVersion), new IPPool.Spec(s.cidr(),
                    s.vxlanMode(), s.ipipMode(), s.natOutgoing(), true, s.blockSize(), s.nodeSelector()));
            store.update(disabled);
            version = null; // checked once, as ippool.go clears it after the disabling update
            LOG.infof("event=pool_disabled pool=%s reason=deleting", name);
            sleep(settle);
        }
        Cidr cidr = Cidr.parse(pool.spec().cidr());
        List<Cidr> released = new ArrayList<>();
        for (KvEntry e : kv.list(IpamKeys.HOSTS).entries()) {
            IpamKeys.parseAffinity(e.key()).filter(a -> cidr.contains(a.cidr().address()))
                    .ifPresent(a -> released.addAll(ipam.releaseAffinity(a.node(), a.cidr())));
        }
        Resource deleted = store.delete(id, version);
        LOG.infof("event=pool_deleted pool=%s cidr=%s affinities_released=%d", name, cidr, released.size());
        return new Removed(deleted, List.copyOf(released));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting a pool; run the delete again", e);
        }
    }
}
