package dev.tabby.ipam;

import dev.tabby.datastore.ConflictException;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives addresses back. Each block's release is one transaction together with the handles it changes, so a block
 * and its handles never disagree; a block left empty without an affinity is deleted, as Calico does.
 */
final class AddressReleaser {
    private final IpamStore store;
    private final Retry retry;

    AddressReleaser(IpamStore store, Retry retry) {
        this.store = store;
        this.retry = retry;
    }

    ReleaseResult release(List<ReleaseRequest> requests) {
        List<IpAddress> notAllocated = new ArrayList<>();
        Map<Cidr, List<ReleaseRequest>> byBlock = new LinkedHashMap<>();
        BlockLocator locator = new BlockLocator(store);
        for (ReleaseRequest r : requests) {
            Optional<Cidr> block = locator.blockOf(r.address());
            if (block.isEmpty()) {
                notAllocated.add(r.address());
            } else {
                byBlock.computeIfAbsent(block.get(), c -> new ArrayList<>()).add(r);
            }
        }
        // Refuse a stale request before anything is released.
        for (Versioned<AllocationBlock> b : store.blocks(byBlock.keySet())) {
            checkNotStale(b.value(), byBlock.get(b.value().cidr()));
        }
        List<IpAddress> released = new ArrayList<>();
        for (Map.Entry<Cidr, List<ReleaseRequest>> e : byBlock.entrySet()) {
            releaseInBlock(e.getKey(), e.getValue(), released, notAllocated);
        }
        return new ReleaseResult(released, notAllocated);
    }

    private void releaseInBlock(Cidr cidr, List<ReleaseRequest> requests, List<IpAddress> released,
            List<IpAddress> notAllocated) {
        for (int attempt = 0; ; attempt++) {
            Optional<Versioned<AllocationBlock>> current = store.block(cidr);
            if (current.isEmpty()) {
                requests.forEach(r -> notAllocated.add(r.address()));
                return;
            }
            AllocationBlock b = current.get().value();
            checkNotStale(b, requests);
            List<Integer> ordinals = new ArrayList<>();
            List<IpAddress> free = new ArrayList<>();
            for (ReleaseRequest r : requests) {
                int ordinal = b.ordinalOf(r.address());
                if (b.isAllocated(ordinal)) {
                    ordinals.add(ordinal);
                } else {
                    free.add(r.address());
                }
            }
            if (ordinals.isEmpty()) {
                notAllocated.addAll(free);
                return;
            }
            Map<String, Integer> lostByHandle = b.release(ordinals);
            Writes writes = blockWrite(current.get(), b);
            for (Map.Entry<String, Integer> lost : lostByHandle.entrySet()) {
                Versioned<IpamHandle> h = store.handle(lost.getKey());
                if (h.exists()) {
                    handleWrite(writes, h, h.value().minus(cidr, lost.getValue()));
                }
            }
            try {
                store.commit(writes);
                ordinals.forEach(o -> released.add(b.addressAt(o)));
                notAllocated.addAll(free);
                return;
            } catch (ConflictException e) {
                retry.afterConflict(attempt, "release of addresses in block " + cidr, e);
            }
        }
    }

    /** Frees everything the handle holds, block by block, and deletes the handle. */
    List<IpAddress> releaseHandle(String handleId) {
        List<IpAddress> released = new ArrayList<>();
        int conflicts = 0;
        while (true) {
            Versioned<IpamHandle> h = store.handle(handleId);
            if (!h.exists()) {
                return released;
            }
            Writes writes = new Writes();
            if (h.value().isEmpty()) {
                writes.delete(h.key(), h.modRevision());
                try {
                    store.commit(writes);
                    return released;
                } catch (ConflictException e) {
                    retry.afterConflict(conflicts++, "release of handle " + handleId, e);
                    continue;
                }
            }
            Cidr cidr = Cidr.parse(h.value().blocks().keySet().iterator().next());
            Optional<Versioned<AllocationBlock>> block = store.block(cidr);
            List<IpAddress> freed = new ArrayList<>();
            if (block.isPresent()) {
                AllocationBlock b = block.get().value();
                List<Integer> ordinals = b.releaseHandle(handleId);
                if (!ordinals.isEmpty()) {
                    ordinals.forEach(o -> freed.add(b.addressAt(o)));
                    writes = blockWrite(block.get(), b);
                }
            }
            handleWrite(writes, h, h.value().without(cidr));
            try {
                store.commit(writes);
                released.addAll(freed);
            } catch (ConflictException e) {
                retry.afterConflict(conflicts++, "release of handle " + handleId, e);
            }
        }
    }

    /** Writes the changed block back, or deletes it when nothing is left in it and no node claims it. */
    static Writes blockWrite(Versioned<AllocationBlock> read, AllocationBlock changed) {
        Writes writes = new Writes();
        if (changed.isEmpty() && changed.affinity().isEmpty()) {
            return writes.delete(read.key(), read.modRevision());
        }
        return writes.put(read.key(), IpamJson.encode(changed), read.modRevision());
    }

    static void handleWrite(Writes writes, Versioned<IpamHandle> read, IpamHandle changed) {
        if (changed.isEmpty()) {
            if (read.exists()) {
                writes.delete(read.key(), read.modRevision());
            }
        } else {
            writes.put(read.key(), IpamJson.encode(changed), read.modRevision());
        }
    }

    private static void checkNotStale(AllocationBlock b, List<ReleaseRequest> requests) {
        for (ReleaseRequest r : requests) {
            Optional<String> stale = b.staleReason(b.ordinalOf(r.address()), r.handle());
            if (stale.isPresent()) {
                throw new StaleReleaseException(stale.get() + "; nothing in block " + b.cidr() + " was released");
            }
        }
    }
}
