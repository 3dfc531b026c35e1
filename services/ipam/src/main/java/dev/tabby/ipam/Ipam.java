package dev.tabby.ipam;

import dev.tabby.datastore.ConflictException;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.Blocks;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Calico-compatible IP address management over etcd: the operations calico/node, the CNI plugin and calicoctl
 * perform, reading and writing the same keys and values libcalico-go does (see {@link IpamKeys}).
 *
 * <p>Every write is a compare-and-swap on the revision the key was read at (or a create-if-absent), retried with
 * jitter a bounded number of times when another writer got there first. A process that dies between two writes
 * leaves a state the next call completes: a block and its handle are written in one transaction, and a block claim
 * passes through a {@code pending} affinity (see {@link BlockClaimer}). Thread-safe; one instance per process is
 * enough.
 */
public final class Ipam {
    private final IpamStore store;
    private final Retry retry;
    private final BlockClaimer claimer;
    private final AddressReleaser releaser;
    private final Assigner assigner;

    public Ipam(KeyValueStore kv) {
        this(kv, Retry.standard());
    }

    Ipam(KeyValueStore kv, Retry retry) {
        this.store = new IpamStore(kv);
        this.retry = retry;
        this.claimer = new BlockClaimer(store, retry);
        this.releaser = new AddressReleaser(store, retry);
        this.assigner = new Assigner(store, retry, claimer, releaser);
    }

    // ---- assigning ----

    /**
     * Assigns the requested numbers of IPv4 and IPv6 addresses. All or nothing: when not every address can be had,
     * those already taken are released again and the failure is thrown.
     *
     * @throws UnknownNodeException   the node has no Node resource (Calico's AutoAssign reads it first)
     * @throws NoPoolException        no enabled pool serves the node (or a requested pool is not enabled)
     * @throws BlockLimitException    the node's blocks are full and it may not claim another (maxBlocksPerHost,
     *                                autoAllocateBlocks off); it does not borrow then, as in Calico
     * @throws PoolExhaustedException the pools have no address left for this node
     */
    public AutoAssignResult autoAssign(AutoAssignRequest request) {
        return assigner.autoAssign(request);
    }

    /**
     * Assigns one specific address, claiming its block for {@code node} when no node holds it.
     *
     * @throws AddressNotInPoolException no enabled pool holds the address
     * @throws AddressInUseException     someone holds it already
     * @throws AffinityConflictException its block is another node's and strictAffinity is on
     */
    public AssignedAddress assignIp(IpAddress ip, String handle, Map<String, String> attributes, String node) {
        IpamKeys.requireNode(node);
        if (handle != null) {
            IpamKeys.requireHandle(handle);
        }
        return assigner.assignIp(ip, handle, attributes, node);
    }

    /**
     * The node's tunnel address of the given type: the one it already holds under Calico's handle
     * ({@link TunnelAddressType#handleFor}), or a new IPv4 address from {@code pools} (empty: any pool serving the
     * node).
     */
    public AssignedAddress assignTunnelAddress(String node, TunnelAddressType type, List<Cidr> pools) {
        String handle = type.handleFor(IpamKeys.requireNode(node));
        List<AssignedAddress> held = addressesOf(handle).stream()
                .filter(a -> a.address().isV4() && (pools.isEmpty() || pools.stream().anyMatch(p -> p.contains(a.address()))))
                .toList();
        if (!held.isEmpty()) {
            return held.get(0);
        }
        AutoAssignRequest request = new AutoAssignRequest(node, handle, type.attributesFor(node), 1, 0, pools, List.of());
        return autoAssign(request).ipv4().get(0);
    }

    // ---- releasing ----

    /**
     * Releases addresses. A request that names a handle is honoured only if the address still belongs to that
     * handle; otherwise nothing of its block is released.
     *
     * @throws StaleReleaseException a request named an allocation that has since been replaced
     */
    public ReleaseResult releaseIps(List<ReleaseRequest> requests) {
        return releaser.release(requests);
    }

    /** Releases every address held under the handle and deletes the handle; nothing when it does not exist. */
    public List<IpAddress> releaseByHandle(String handle) {
        return releaser.releaseHandle(IpamKeys.requireHandle(handle));
    }

    public List<IpAddress> releaseTunnelAddress(String node, TunnelAddressType type) {
        return releaseByHandle(type.handleFor(IpamKeys.requireNode(node)));
    }

    // ---- affinities ----

    /**
     * Claims for the node every block of {@code cidr} (which must lie in an enabled pool; a CIDR smaller than a
     * block means the block holding it). Blocks another node holds are reported as failed.
     */
    public ClaimResult claimAffinity(String node, Cidr cidr) {
        IpamKeys.requireNode(node);
        IpamConfig config = store.config().value();
        List<Pool> pools = store.snapshot(node, null, List.of()).pools();
        Pool pool = PoolResolver.containing(pools, cidr.network().address())
                .filter(p -> p.cidr().prefixLength() <= cidr.prefixLength())
                .orElseThrow(() -> new AddressNotInPoolException(cidr + " is not inside an enabled IP pool (pools: "
                        + PoolResolver.describe(pools) + ")"));
        List<Cidr> claimed = new ArrayList<>();
        List<Cidr> failed = new ArrayList<>();
        for (Cidr block : blocksOf(cidr, pool)) {
            (claimer.claim(node, block, config).isPresent() ? claimed : failed).add(block);
        }
        return new ClaimResult(claimed, failed);
    }

    /**
     * Gives up the node's claim on every block of {@code cidr} it holds: empty blocks are deleted, others keep their
     * addresses without an affinity. Returns the blocks released.
     */
    public List<Cidr> releaseAffinity(String node, Cidr cidr) {
        IpamKeys.requireNode(node);
        List<Cidr> released = new ArrayList<>();
        for (IpamStore.Affinity a : store.affinities(node, cidr.version())) {
            if (cidr.contains(a.cidr().address()) && a.cidr().prefixLength() >= cidr.prefixLength()
                    && claimer.release(node, a.cidr(), false)) {
                released.add(a.cidr());
            }
        }
        return released;
    }

    /** Releases all the node's affinities, as when a node leaves the cluster. */
    public List<Cidr> releaseHostAffinities(String node, boolean requireEmpty) {
        IpamKeys.requireNode(node);
        List<Cidr> released = new ArrayList<>();
        for (IpamStore.Affinity a : store.affinities(node, 0)) {
            if (claimer.release(node, a.cidr(), requireEmpty)) {
                released.add(a.cidr());
            }
        }
        return released;
    }

    // ---- reading ----

    /** What IPAM records about the address, if it is allocated. */
    public Optional<Assignment> getAssignmentAttributes(IpAddress ip) {
        return blockHolding(ip).flatMap(b -> {
            AllocationBlock block = b.value();
            int ordinal = block.ordinalOf(ip);
            if (!block.isAllocated(ordinal)) {
                return Optional.empty();
            }
            return Optional.of(new Assignment(ip, block.cidr(), block.host(), block.handleAt(ordinal).orElse(null),
                    block.attributeAt(ordinal).map(a -> a.secondaryOrEmpty()).orElse(Map.of())));
        });
    }

    /** The addresses held under a handle. */
    public List<AssignedAddress> addressesOf(String handle) {
        IpamHandle h = store.handle(IpamKeys.requireHandle(handle)).value();
        List<Cidr> cidrs = h.blocks().keySet().stream().map(Cidr::parse).toList();
        List<AssignedAddress> out = new ArrayList<>();
        for (Versioned<AllocationBlock> b : store.blocks(cidrs)) {
            for (int o : b.value().ordinalsOf(handle)) {
                out.add(new AssignedAddress(b.value().addressAt(o), b.value().cidr(), handle));
            }
        }
        return out;
    }

    public IpamConfig getConfig() {
        return store.config().value();
    }

    /**
     * Writes the cluster-wide IPAM settings (compare-and-swap against the value read just before). As libcalico-go's
     * SetIPAMConfig (lib/ipam/ipam.go, v3.18): settings equal to the current ones are not written, and the two
     * combinations Calico refuses are refused with Calico's words.
     */
    public void setConfig(IpamConfig config) {
        for (int attempt = 0; ; attempt++) {
            Versioned<IpamConfig> current = store.config();
            if (current.value().equals(config)) {
                return;
            }
            if (!config.strictAffinity() && !config.autoAllocateBlocks()) {
                // Nodes could then neither borrow nor claim a block: no address could ever be assigned.
                throw new IllegalArgumentException(
                        "Cannot disable 'StrictAffinity' and 'AutoAllocateBlocks' at the same time");
            }
            if (config.maxBlocksPerHost() > 0 && !config.strictAffinity()) {
                // A node at its block limit would borrow instead, silently defeating the limit.
                throw new IllegalArgumentException("MaxBlocksPerHost requires StrictAffinity to be enabled");
            }
            try {
                store.commit(new Writes().put(IpamKeys.CONFIG, IpamJson.encode(config), current.modRevision()));
                return;
            } catch (ConflictException e) {
                retry.afterConflict(attempt, "update of " + IpamKeys.CONFIG, e);
            }
        }
    }

    private Optional<Versioned<AllocationBlock>> blockHolding(IpAddress ip) {
        return new BlockLocator(store).blockOf(ip).flatMap(store::block);
    }

    /** The blocks of the pool's size that make up {@code cidr} (or the one block holding a smaller CIDR). */
    private static List<Cidr> blocksOf(Cidr cidr, Pool pool) {
        Cidr net = cidr.network();
        if (net.prefixLength() >= pool.blockSize()) {
            return List.of(Blocks.blockOf(net.address(), pool.blockSize()));
        }
        BigInteger count = Blocks.blockCount(net, pool.blockSize());
        if (count.compareTo(BigInteger.valueOf(4096)) > 0) {
            throw new IllegalArgumentException(cidr + " spans " + count + " blocks; claim at most 4096 at a time");
        }
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < count.intValue(); i++) {
            out.add(Blocks.nthBlock(net, pool.blockSize(), BigInteger.valueOf(i)));
        }
        return out;
    }
}
