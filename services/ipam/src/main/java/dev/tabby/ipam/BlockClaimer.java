package dev.tabby.ipam;

import dev.tabby.datastore.AlreadyExistsException;
import dev.tabby.datastore.ConflictException;
import dev.tabby.ipam.model.AffinityState;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A node's claim on a block, in Calico's three steps: write the host affinity as {@code pending}, create the block
 * naming the node, mark the affinity {@code confirmed}. The block's create-if-absent decides a race between nodes.
 * A crash between steps leaves a pending affinity that {@link #blockFor} completes on the node's next assignment;
 * a release marks the affinity {@code pendingDeletion} first and is completed the same way.
 */
final class BlockClaimer {
    private static final Logger LOG = Logger.getLogger(BlockClaimer.class);

    private final IpamStore store;
    private final Retry retry;

    BlockClaimer(IpamStore store, Retry retry) {
        this.store = store;
        this.retry = retry;
    }

    /** Claims a block no node holds yet. Empty when another node created it first. */
    Optional<Versioned<AllocationBlock>> claim(String node, Cidr cidr, IpamConfig config) {
        Versioned<BlockAffinity> affinity = writePending(node, cidr);
        if (affinity.value().state() == AffinityState.PENDING_DELETION) {
            return Optional.empty();
        }
        return createBlock(node, cidr, affinity, config);
    }

    /**
     * The block an affinity of the node names, finishing an interrupted claim or release on the way. Empty when
     * the affinity turned out stale (the block is another node's; the affinity is then deleted) or was being
     * released.
     */
    Optional<Versioned<AllocationBlock>> blockFor(String node, Cidr cidr, Versioned<BlockAffinity> affinity,
            Optional<Versioned<AllocationBlock>> block, IpamConfig config) {
        AffinityState state = affinity.value().state();
        if (state == AffinityState.PENDING_DELETION) {
            try {
                finishRelease(node, cidr, affinity, block); // a release that was interrupted: complete it
            } catch (ConflictException e) {
                LOG.debugf("event=release_completion_raced node=%s block=%s", node, cidr);
            }
            return Optional.empty();
        }
        if (block.isEmpty()) {
            // Claimed but never created: a crash after the pending write, or the block was deleted since.
            Versioned<BlockAffinity> pending = state == AffinityState.PENDING ? affinity : writePending(node, cidr);
            if (pending.value().state() == AffinityState.PENDING_DELETION) {
                return Optional.empty();
            }
            return createBlock(node, cidr, pending, config);
        }
        if (!block.get().value().isAffineTo(node)) {
            LOG.infof("event=stale_affinity node=%s block=%s block_affinity=%s", node, cidr,
                    block.get().value().affinity().orElse("none"));
            deleteQuietly(affinity);
            return Optional.empty();
        }
        if (state == AffinityState.PENDING) {
            confirm(node, cidr, affinity); // created but never confirmed
        }
        return block;
    }

    /**
     * Gives up the node's claim on the block. An empty block is deleted; one still holding addresses keeps them
     * and loses its affinity (others may then use it). Returns false when the node held no affinity to it.
     *
     * @throws IpamException with {@code requireEmpty} when the block still holds addresses
     */
    boolean release(String node, Cidr cidr, boolean requireEmpty) {
        for (int attempt = 0; ; attempt++) {
            Optional<Versioned<BlockAffinity>> affinity = store.affinity(node, cidr);
            Optional<Versioned<AllocationBlock>> block = store.block(cidr);
            try {
                if (affinity.isEmpty()) {
                    // No claim recorded; a block still naming the node (an interrupted release) is put right.
                    if (block.isPresent() && block.get().value().isAffineTo(node)) {
                        dropFromBlock(block.get(), new Writes());
                        return true;
                    }
                    return false;
                }
                if (block.isPresent() && block.get().value().affinity().isPresent() && !block.get().value().isAffineTo(node)) {
                    deleteQuietly(affinity.get()); // stale: the block belongs to another node
                    return false;
                }
                if (requireEmpty && block.isPresent() && !block.get().value().isEmpty()) {
                    throw new IpamException("block " + cidr + " of node " + node + " still holds "
                            + block.get().value().allocatedCount() + " addresses; release them first");
                }
                Versioned<BlockAffinity> marked = affinity.get();
                if (marked.value().state() != AffinityState.PENDING_DELETION) {
                    long rev = store.commit(new Writes().put(marked.key(),
                            IpamJson.encode(BlockAffinity.of(AffinityState.PENDING_DELETION)), marked.modRevision()));
                    marked = new Versioned<>(marked.key(), BlockAffinity.of(AffinityState.PENDING_DELETION), rev);
                }
                finishRelease(node, cidr, marked, block);
                return true;
            } catch (ConflictException e) {
                retry.afterConflict(attempt, "release of node " + node + "'s affinity to block " + cidr, e);
            }
        }
    }

    /** Block change and affinity delete in one transaction, after the affinity was marked pendingDeletion. */
    private void finishRelease(String node, Cidr cidr, Versioned<BlockAffinity> marked,
            Optional<Versioned<AllocationBlock>> block) {
        Writes writes = new Writes().delete(marked.key(), marked.modRevision());
        if (block.isPresent() && block.get().value().isAffineTo(node)) {
            dropFromBlock(block.get(), writes);
        } else {
            store.commit(writes);
        }
        LOG.infof("event=affinity_released node=%s block=%s", node, cidr);
    }

    /** Deletes the block if empty, else clears its affinity; plus whatever else {@code writes} holds. */
    private void dropFromBlock(Versioned<AllocationBlock> block, Writes writes) {
        AllocationBlock b = block.value();
        if (b.isEmpty()) {
            writes.delete(block.key(), block.modRevision());
        } else {
            b.setAffinity(null);
            writes.put(block.key(), IpamJson.encode(b), block.modRevision());
        }
        store.commit(writes);
    }

    /** Writes (or finds) the node's pending affinity to the block. */
    private Versioned<BlockAffinity> writePending(String node, Cidr cidr) {
        String key = IpamKeys.affinity(node, cidr);
        BlockAffinity pending = BlockAffinity.of(AffinityState.PENDING);
        for (int attempt = 0; ; attempt++) {
            try {
                long rev = store.create(key, IpamJson.encode(pending));
                return new Versioned<>(key, pending, rev);
            } catch (AlreadyExistsException e) {
                Optional<Versioned<BlockAffinity>> existing = store.affinity(node, cidr);
                if (existing.isPresent()) {
                    // Confirmed: someone on this node got there first. Pending: an earlier attempt; reuse it.
                    // Pending deletion: a release is under way; the caller gives the block up.
                    return existing.get();
                }
                retry.afterConflict(attempt, "pending affinity of node " + node + " to block " + cidr,
                        new ConflictException("create", key, 0, -1));
            }
        }
    }

    private Optional<Versioned<AllocationBlock>> createBlock(String node, Cidr cidr, Versioned<BlockAffinity> affinity,
            IpamConfig config) {
        String key = IpamKeys.block(cidr);
        for (int attempt = 0; ; attempt++) {
            AllocationBlock fresh = AllocationBlock.create(cidr, node);
            Versioned<AllocationBlock> block;
            try {
                long rev = store.create(key, IpamJson.encode(fresh));
                block = new Versioned<>(key, fresh, rev);
                LOG.infof("event=block_claimed node=%s block=%s", node, cidr);
            } catch (AlreadyExistsException e) {
                Optional<Versioned<AllocationBlock>> existing = store.block(cidr);
                if (existing.isEmpty()) {
                    retry.afterConflict(attempt, "creation of block " + cidr, new ConflictException("create", key, 0, -1));
                    continue;
                }
                if (!existing.get().value().isAffineTo(node)) {
                    deleteQuietly(affinity); // another node won the block
                    return Optional.empty();
                }
                block = existing.get(); // another process of this node created it
            }
            confirm(node, cidr, affinity);
            return Optional.of(block);
        }
    }

    private void confirm(String node, Cidr cidr, Versioned<BlockAffinity> affinity) {
        Versioned<BlockAffinity> current = affinity;
        byte[] confirmed = IpamJson.encode(BlockAffinity.of(AffinityState.CONFIRMED));
        for (int attempt = 0; ; attempt++) {
            if (current.value().state() == AffinityState.CONFIRMED) {
                return;
            }
            if (current.value().state() == AffinityState.PENDING_DELETION) {
                return; // being released meanwhile; the block's own affinity decides who may use it
            }
            try {
                store.commit(new Writes().put(current.key(), confirmed, current.modRevision()));
                return;
            } catch (ConflictException e) {
                Optional<Versioned<BlockAffinity>> now = store.affinity(node, cidr);
                if (now.isEmpty()) {
                    // Deleted meanwhile, yet the block names this node: restore the record of the claim.
                    try {
                        store.create(current.key(), confirmed);
                    } catch (AlreadyExistsException raced) {
                        continue;
                    }
                    return;
                }
                current = now.get();
                if (current.value().state() != AffinityState.CONFIRMED) {
                    retry.afterConflict(attempt, "confirmation of node " + node + "'s affinity to block " + cidr, e);
                }
            }
        }
    }

    private void deleteQuietly(Versioned<BlockAffinity> affinity) {
        try {
            store.commit(new Writes().delete(affinity.key(), affinity.modRevision()));
        } catch (ConflictException e) {
            LOG.debugf("event=affinity_delete_skipped key=%s reason=%s", affinity.key(), e.getMessage());
        }
    }
}
