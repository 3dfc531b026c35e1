package dev.tabby.dataplane;

import dev.tabby.netlink.NetlinkException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jboss.logging.Logger;

/**
 * The shape every per-device driver shares (neighbours, FDB entries): a desired map of key to value, the kernel's
 * entries of ours on one device, and an {@link #apply} that deletes what is no longer wanted and writes what
 * differs. The device's index is looked up on every resync, so a recreated device is picked up.
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

    /** Creates or replaces the entry. */
    protected abstract void write(E entry);

    protected abstract void erase(E entry);

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
        for (E stray : List.copyOf(strays())) {
            if (delete(stray, tally)) {
                strayRemoved(stray);
            }
        }
        for (Map.Entry<K, V> gone : entries.pendingDeletions()) {
            if (delete(entry(linkIndex, gone.getKey(), gone.getValue()), tally)) {
                entries.deleteActual(gone.getKey());
            }
        }
        for (Map.Entry<K, V> update : entries.pendingUpdates()) {
            E e = entry(linkIndex, update.getKey(), update.getValue());
            try {
                write(e);
                tally.wrote();
                entries.setActual(update.getKey(), update.getValue());
            } catch (NetlinkException ex) {
                if (KernelErrors.noDevice(ex)) {
                    // The device was recreated under a new index: look it up again before the retry.
                    queueResync();
                }
                tally.failed(describe(e), ex.getMessage());
            }
        }
        return tally.result();
    }

    /** Deletes one entry; true when it is gone (deleted now, or already). */
    private boolean delete(E entry, ApplyTally tally) {
        try {
            erase(entry);
            tally.wrote();
            return true;
        } catch (NetlinkException e) {
            if (KernelErrors.alreadyGone(e)) {
                return true;
            }
            tally.failed(describe(entry), e.getMessage());
            return false;
        }
    }
}
