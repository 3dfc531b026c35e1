package dev.tabby.ipam;

import dev.tabby.datastore.ConflictException;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.Blocks;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Hands out addresses the way Calico does: first from blocks the node holds, then from blocks it newly claims,
 * then, unless strictAffinity is on, borrowed from other nodes' blocks. Every block write goes in one transaction
 * with the handle's count, so an allocation is never recorded in one and not the other.
 */
final class Assigner {
    private final IpamStore store;
    private final Retry retry;
    private final BlockClaimer claimer;
    private final AddressReleaser releaser;
    /**
     * The block each node last got an address from, per IP version: tried first and read with the snapshot, so a
     * long-running caller usually needs one read and one write per assignment. Only a hint; a stale one costs a read.
     */
    private final ConcurrentMap<String, Cidr> lastUsed = new ConcurrentHashMap<>();

    Assigner(IpamStore store, Retry retry, BlockClaimer claimer, AddressReleaser releaser) {
        this.store = store;
        this.retry = retry;
        this.claimer = claimer;
        this.releaser = releaser;
    }

    /** The handle as this call last wrote or read it; each block write moves its revision on. */
    private static final class HandleState {
        private final String id;
        private Versioned<IpamHandle> current;

        HandleState(String id, Versioned<IpamHandle> read) {
            this.id = id;
            this.current = read;
        }
    }

    AutoAssignResult autoAssign(AutoAssignRequest request) {
        List<Cidr> likely = new ArrayList<>();
        for (int version : new int[] {4, 6}) {
            Cidr hint = request.count(version) > 0 ? lastUsed.get(hintKey(request.node(), version)) : null;
            if (hint != null) {
                likely.add(hint);
            }
        }
        IpamStore.Snapshot snapshot = store.snapshot(request.node(), request.handle(), likely);
        HandleState handle = request.handle() == null ? null : new HandleState(request.handle(), snapshot.handle());
        List<AssignedAddress> v4 = new ArrayList<>();
        List<AssignedAddress> v6 = new ArrayList<>();
        try {
            if (request.num4() > 0) {
                assignVersion(4, request, snapshot, handle, v4);
            }
            if (request.num6() > 0) {
                assignVersion(6, request, snapshot, handle, v6);
            }
        } catch (RuntimeException failure) {
            // All or nothing: give back what this call got before it failed.
            List<ReleaseRequest> undo = new ArrayList<>();
            v4.forEach(a -> undo.add(a.toRelease()));
            v6.forEach(a -> undo.add(a.toRelease()));
            if (!undo.isEmpty()) {
                try {
                    releaser.release(undo);
                } catch (RuntimeException undoFailed) {
                    failure.addSuppressed(undoFailed);
                }
            }
            throw failure;
        }
        return new AutoAssignResult(v4, v6);
    }

    private void assignVersion(int version, AutoAssignRequest request, IpamStore.Snapshot snapshot, HandleState handle,
            List<AssignedAddress> out) {
        String node = request.node();
        if (snapshot.node().isEmpty()) {
            throw new UnknownNodeException(node);
        }
        IpamConfig config = snapshot.config();
        List<Pool> pools = PoolResolver.forNode(snapshot.pools(), version, request.pools(version), node,
                snapshot.node().map(n -> n.metadata().labelsOrEmpty()).orElse(null));
        int wanted = request.count(version);
        Predicate<AllocationBlock> ours = b -> b.isAffineTo(node);

        // 1. Blocks the node already holds: the one it last used, then the others in key order.
        Set<Cidr> tried = new HashSet<>();
        int owned = useAffineBlocks(version, snapshot.affinities(version), snapshot, pools, request, config, handle, tried,
                wanted, out);

        // 2. New blocks, while the node may claim more. When it may not, Calico's findOrClaimBlock fails the request
        // here: a node at its limit, or in a cluster that hands out blocks by hand, does not borrow either.
        Set<Cidr> taken = null;
        int lostClaims = 0;
        while (out.size() < wanted) {
            if (!config.autoAllocateBlocks()) {
                throw new BlockLimitException("failed to find or claim a block: node " + node + "'s IPv" + version
                        + " blocks are full and autoAllocateBlocks is off (got " + out.size() + " of " + wanted
                        + ", released again); claim a block for it with tabbyctl ipam or turn autoAllocateBlocks on");
            }
            if (config.maxBlocksPerHost() > 0 && owned >= config.maxBlocksPerHost()) {
                throw new BlockLimitException("cannot allocate new block due to per host block limit: node " + node
                        + " holds " + owned + " IPv" + version + " blocks, maxBlocksPerHost is "
                        + config.maxBlocksPerHost() + " (got " + out.size() + " of " + wanted + ", released again)");
            }
            // Another process of this node may have claimed a block since the snapshot: use that first.
            List<IpamStore.Affinity> fresh = store.affinities(node, version).stream()
                    .filter(a -> !tried.contains(a.cidr())).toList();
            if (!fresh.isEmpty()) {
                fresh.forEach(a -> tried.add(a.cidr()));
                owned += useAffineBlocks(version, fresh, null, pools, request, config, handle, tried, wanted, out);
                continue;
            }
            if (taken == null) {
                taken = new HashSet<>(store.blockCidrs(version));
            }
            Optional<Cidr> free = FreeBlockFinder.next(pools, node, taken);
            if (free.isEmpty()) {
                break;
            }
            taken.add(free.get());
            tried.add(free.get());
            Optional<Versioned<AllocationBlock>> claimed = claimer.claim(node, free.get(), config);
            if (claimed.isEmpty()) {
                if (++lostClaims >= retry.maxAttempts()) {
                    throw new TooManyConflictsException("node " + node + " lost " + lostClaims
                            + " block claims in a row to other nodes; try again", null);
                }
                continue;
            }
            owned++;
            assignFromBlock(claimed.get(), wanted - out.size(), request, handle, ours, out);
        }

        // 3. Borrow from other nodes' blocks.
        if (out.size() < wanted && !config.strictAffinity()) {
            List<Versioned<AllocationBlock>> lenders = store.blocks(version).stream()
                    .filter(b -> !b.value().isAffineTo(node) && b.value().freeCount() > 0)
                    .filter(b -> pools.stream().anyMatch(p -> Blocks.within(b.value().cidr(), p.cidr())))
                    .sorted(Comparator.comparing(b -> Blocks.toNumber(b.value().cidr().address())))
                    .toList();
            for (Versioned<AllocationBlock> lender : FreeBlockFinder.nodeOrder(lenders, node)) {
                if (out.size() >= wanted) {
                    break;
                }
                assignFromBlock(lender, wanted - out.size(), request, handle, b -> true, out);
            }
        }
        if (out.size() < wanted) {
            throw exhausted(version, node, pools, config, wanted, out.size());
        }
    }

    /**
     * Assigns from the blocks of the given affinities, the block this node last used first; returns how many of the
     * affinities count against the node's block limit. Blocks are fetched only when needed (most requests are met
     * by the first), and a block is decoded only when it is tried.
     */
    private int useAffineBlocks(int version, List<IpamStore.Affinity> affinities, IpamStore.Snapshot snapshot,
            List<Pool> pools, AutoAssignRequest request, IpamConfig config, HandleState handle, Set<Cidr> tried,
            int wanted, List<AssignedAddress> out) {
        String node = request.node();
        List<IpamStore.Affinity> inPools = new ArrayList<>(affinities.stream()
                .filter(a -> pools.stream().anyMatch(p -> Blocks.within(a.cidr(), p.cidr())))
                .toList());
        inPools.forEach(a -> tried.add(a.cidr()));
        Cidr hint = lastUsed.get(hintKey(node, version));
        inPools.sort(Comparator.comparing((IpamStore.Affinity a) -> !a.cidr().equals(hint)));

        Map<Cidr, Versioned<byte[]>> raw = new HashMap<>();
        Set<Cidr> fetched = new HashSet<>();
        if (snapshot != null) {
            raw.putAll(snapshot.blocks());
            fetched.addAll(snapshot.prefetched());
        }
        for (IpamStore.Affinity a : inPools) {
            if (out.size() >= wanted) {
                break;
            }
            if (!fetched.contains(a.cidr())) {
                List<Cidr> rest = inPools.stream().map(IpamStore.Affinity::cidr).filter(c -> !fetched.contains(c)).toList();
                raw.putAll(store.rawBlocks(rest));
                fetched.addAll(rest);
            }
            Optional<Versioned<AllocationBlock>> block;
            try {
                block = claimer.blockFor(node, a.cidr(), a.value(),
                        Optional.ofNullable(raw.get(a.cidr())).map(IpamStore::decodeBlock), config);
            } catch (ConflictException e) {
                continue; // someone else is changing this affinity right now; other blocks will do
            }
            if (block.isPresent()) {
                assignFromBlock(block.get(), wanted - out.size(), request, handle, b -> b.isAffineTo(node), out);
            }
        }
        return inPools.size();
    }

    /**
     * Takes up to {@code want} addresses from one block, re-reading it after each lost race, while
     * {@code usable} still holds for it. Adds what it got to {@code out}.
     */
    private void assignFromBlock(Versioned<AllocationBlock> first, int want, AutoAssignRequest request, HandleState handle,
            Predicate<AllocationBlock> usable, List<AssignedAddress> out) {
        Versioned<AllocationBlock> current = first;
        Cidr cidr = first.value().cidr();
        for (int attempt = 0; ; attempt++) {
            AllocationBlock b = current.value();
            if (!usable.test(b) || b.freeCount() == 0) {
                lastUsed.remove(hintKey(request.node(), cidr.version()), cidr);
                return;
            }
            List<Integer> ordinals = b.autoAssign(want, request.handle(), request.attributes());
            Writes writes = new Writes().put(current.key(), IpamJson.encode(b), current.modRevision());
            IpamHandle nextHandle = null;
            if (handle != null) {
                nextHandle = handle.current.value().plus(cidr, ordinals.size());
                writes.put(handle.current.key(), IpamJson.encode(nextHandle), handle.current.modRevision());
            }
            try {
                long revision = store.commit(writes);
                if (handle != null) {
                    handle.current = new Versioned<>(handle.current.key(), nextHandle, revision);
                }
                for (int o : ordinals) {
                    out.add(new AssignedAddress(b.addressAt(o), cidr, request.handle()));
                }
                if (b.isAffineTo(request.node())) {
                    lastUsed.put(hintKey(request.node(), cidr.version()), cidr);
                }
                return;
            } catch (ConflictException e) {
                retry.afterConflict(attempt, "assignment from block " + cidr + " for node " + request.node(), e);
                Optional<Versioned<AllocationBlock>> reread = store.block(cidr);
                if (reread.isEmpty()) {
                    return;
                }
                current = reread.get();
                if (handle != null && e.key().equals(handle.current.key())) {
                    handle.current = store.handle(handle.id);
                }
            }
        }
    }

    /** Assigns one given address to {@code handle}, claiming its block for the node if no one has it. */
    AssignedAddress assignIp(IpAddress ip, String handleId, Map<String, String> attributes, String node) {
        IpamStore.Snapshot snapshot = store.snapshot(node, handleId, List.of());
        List<Pool> all = snapshot.pools();
        Pool pool = PoolResolver.containing(all, ip).orElseThrow(() -> new AddressNotInPoolException(ip
                + " is not in any enabled IP pool (pools: " + PoolResolver.describe(all) + "); pick an address inside one"));
        Cidr cidr = Blocks.blockOf(ip, pool.blockSize());
        IpamConfig config = snapshot.config();
        HandleState handle = handleId == null ? null : new HandleState(handleId, snapshot.handle());
        for (int attempt = 0; ; attempt++) {
            Optional<Versioned<AllocationBlock>> block = store.block(cidr);
            if (block.isEmpty()) {
                block = claimer.claim(node, cidr, config);
                if (block.isEmpty()) {
                    retry.afterConflict(attempt, "assignment of " + ip, new ConflictException("claim", cidr.toString(), 0, -1));
                    continue;
                }
            }
            AllocationBlock b = block.get().value();
            if (config.strictAffinity() && b.affinity().isPresent() && !b.isAffineTo(node)) {
                throw new AffinityConflictException(ip + " is in block " + cidr + " of node " + b.host().orElse("?")
                        + ", and strictAffinity forbids node " + node + " to use it");
            }
            int ordinal = b.ordinalOf(ip);
            if (b.isAllocated(ordinal)) {
                throw new AddressInUseException(ip, b.handleAt(ordinal).orElse(null));
            }
            b.assign(ordinal, handleId, attributesWithNode(attributes, node));
            Writes writes = new Writes().put(block.get().key(), IpamJson.encode(b), block.get().modRevision());
            if (handle != null) {
                writes.put(handle.current.key(), IpamJson.encode(handle.current.value().plus(cidr, 1)),
                        handle.current.modRevision());
            }
            try {
                store.commit(writes);
                return new AssignedAddress(ip, cidr, handleId);
            } catch (ConflictException e) {
                retry.afterConflict(attempt, "assignment of " + ip, e);
                if (handle != null) {
                    handle.current = store.handle(handleId);
                }
            }
        }
    }

    private static String hintKey(String node, int version) {
        return node + "/" + version;
    }

    static Map<String, String> attributesWithNode(Map<String, String> attributes, String node) {
        Map<String, String> out = new LinkedHashMap<>(attributes == null ? Map.of() : attributes);
        out.putIfAbsent(AutoAssignRequest.ATTRIBUTE_NODE, node);
        return out;
    }

    private static PoolExhaustedException exhausted(int version, String node, List<Pool> pools, IpamConfig config,
            int wanted, int got) {
        String cidrs = pools.stream().map(p -> p.cidr().toString()).collect(Collectors.joining(", "));
        BigInteger blocks = pools.stream().map(Pool::blockCount).reduce(BigInteger.ZERO, BigInteger::add);
        String why = "all " + blocks + " blocks allocated"
                + (config.strictAffinity() ? ", strictAffinity on" : ", and no other node's block has a free address");
        String count = wanted == 1 ? "" : " (got " + got + " of " + wanted + ", released again)";
        return new PoolExhaustedException("no free IPv" + version + " address in pools " + cidrs + " for node " + node
                + " (" + why + ")" + count);
    }
}
