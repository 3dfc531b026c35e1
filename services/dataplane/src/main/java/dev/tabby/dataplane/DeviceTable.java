package dev.tabby.dataplane;

import dev.tabby.netlink.NetlinkException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * The shape every per-device driver shares (neighbours, FDB entries): a desired map of key to value, the kernel's
 * entries of ours on one device, and an {@link #apply} that deletes what is no longer wanted and writes what
 * differs, all in one batch, deletions first. The device's index is looked up on every resync, so a recreated device is picked up.
 *
 * @param <K> what identifies an entry on the device (an IP for neighbours, a MAC for FDB entries)
 * @param <V> what the entry says about it
 * @param <E> the kernel object written
 */
public abstract class DeviceTable<K, V, E> implements Driver {
    private static final Logger LOG = Logger.getLogger(DeviceTable.class);

    protected final String device;
    private final String name;
    private final String noun;
    protected final DeltaTracker<K, V> entries = new DeltaTracker<>();
    private int linkIndex;
    private boolean resyncQueued = true;

    /** @param noun what the entries are called in messages, e.g. "neighbours" or "FDB entries" */
    protected DeviceTable(String name, String noun, String device) {
        this.name = name;
        this.noun = noun;
        this.device = device;
    }

    /** The device's ifindex now, or empty when there is no such device. */
    protected abstract OptionalInt lookUpDevice();

    /** The kernel's entries on the device that are ours; may also collect extra ones to delete. */
    protected abstract Map<K, V> readOurs(int linkIndex);

    /** Entries found by the last resync that must go although their key is wanted (e.g. a second remote). */
    protected List<E> strays() {
        return List.of();
    }

    /** Called once a stray is gone from the kernel. */
    protected void strayRemoved(E entry) {
    }

    protected abstract E entry(int linkIndex, K key, V value);

    /**
     * Erases {@code erasures}, then writes (creates or replaces) {@code writes}, in that order and in as few kernel
     * round trips as the kernel interface allows, and returns each one's refusal in that same order (empty when done).
     */
    protected abstract List<Optional<NetlinkException>> eraseThenWrite(List<E> erasures, List<E> writes);

    protected abstract String describe(E entry);

    @Override
    public final String name() {
        return name;
    }

    /** Also call it after recreating the device: the resync looks its index up again. */
    @Override
    public final void queueResync() {
        resyncQueued = true;
    }

    @Override
    public int pendingCount() {
        return entries.pendingCount() + strays().size();
    }

    @Override
    public final ApplyResult apply() {
        if (resyncQueued) {
            try {
                OptionalInt index = lookUpDevice();
                if (index.isEmpty()) {
                    return ApplyResult.failed(name, "device " + device, "no such device; its " + noun + " are written once it exists");
                }
                linkIndex = index.getAsInt();
                entries.replaceAllActual(readOurs(linkIndex));
                resyncQueued = false;
                LOG.debugf("%s: resync found %d entries, %d pending", name, entries.actualView().size(), pendingCount());
            } catch (NetlinkException e) {
                return ApplyResult.failed(name, noun + " dump", e.getMessage());
            }
        }
        ApplyTally tally = new ApplyTally(name);
        List<E> strayEntries = List.copyOf(strays());
        List<Map.Entry<K, V>> deletions = entries.pendingDeletions();
        List<Map.Entry<K, V>> updates = entries.pendingUpdates();
        List<E> erasures = new ArrayList<>(strayEntries);
        for (Map.Entry<K, V> gone : deletions) {
            erasures.add(entry(linkIndex, gone.getKey(), gone.getValue()));
        }
        List<E> writes = new ArrayList<>(updates.size());
        for (Map.Entry<K, V> update : updates) {
            writes.add(entry(linkIndex, update.getKey(), update.getValue()));
        }
        if (erasures.isEmpty() && writes.isEmpty()) {
            return tally.result();
        }
        Iterator<Optional<NetlinkException>> outcomes = eraseThenWrite(erasures, writes).iterator();

        for (E stray : strayEntries) {
            if (gone(stray, outcomes.next(), tally)) {
                strayRemoved(stray);
            }
        }
        for (int i = 0; i < deletions.size(); i++) {
            if (gone(erasures.get(strayEntries.size() + i), outcomes.next(), tally)) {
                entries.deleteActual(deletions.get(i).getKey());
            }
        }
        for (int i = 0; i < updates.size(); i++) {
            Optional<NetlinkException> refused = outcomes.next();
            if (refused.isEmpty()) {
                tally.wrote();
                entries.setActual(updates.get(i).getKey(), updates.get(i).getValue());
            } else {
                if (KernelErrors.noDevice(refused.get())) {
                    // The device was recreated under a new index: look it up again before the retry.
                    queueResync();
                }
                tally.failed(describe(writes.get(i)), refused.get().getMessage());
            }
        }
        return tally.result();
    }

    /** Whether an erased entry is gone (deleted now, or already); a refusal that leaves it there is tallied. */
    private boolean gone(E entry, Optional<NetlinkException> refused, ApplyTally tally) {
        if (refused.isEmpty()) {
            tally.wrote();
            return true;
        }
        if (KernelErrors.alreadyGone(refused.get())) {
            return true;
        }
        tally.failed(describe(entry), refused.get().getMessage());
        return false;
    }
}
