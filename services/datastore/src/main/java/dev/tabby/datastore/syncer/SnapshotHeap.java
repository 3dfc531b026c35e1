package dev.tabby.datastore.syncer;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.jboss.logging.Logger;

/**
 * Lets the Java heap grow in large steps while a syncer of this JVM loads a large first snapshot, and gives the JVM's
 * own heap settings back once every such syncer is in sync.
 *
 * <p>Why: a node agent runs with a tight heap for its footprint (images/jvm/service.args: {@code MinHeapFreeRatio=10},
 * {@code MaxHeapFreeRatio=30}, SerialGC). Loading a 5,000-node cluster then grows the old generation ~10 % at a time,
 * and SerialGC runs a full collection each time a young collection had to grow it: 23-26 full collections, ~2 s of
 * policy-renderer's CPU before it converges (issue 16). With HotSpot's default ratios (40 / 70) for the load it grows
 * in a few large steps. Both flags are writable at run time (HotSpot's "manageable" flags); once the load is over, the
 * JVM's own values return and later full collections give the extra heap back. A small snapshot (a lone node's
 * hundred keys) never switches, so a node's footprint is unchanged.
 */
final class SnapshotHeap {
    private static final Logger LOG = Logger.getLogger(SnapshotHeap.class);
    /**
     * A first list of this many keys or more is a large snapshot: a full page of the default size, i.e. as soon as
     * the first page shows that more are coming (a lone node's list is a hundred keys).
     */
    static final int LARGE_SNAPSHOT_KEYS = SyncerConfig.DEFAULT_LIST_PAGE_SIZE;
    static final int LOADING_MIN_FREE = 40;
    static final int LOADING_MAX_FREE = 70;
    private static final String MIN = "MinHeapFreeRatio";
    private static final String MAX = "MaxHeapFreeRatio";

    /** The JVM's two flags, or a test's. */
    interface Flags {
        int get(String name);

        void set(String name, int value);
    }

    /** This JVM's. */
    static final SnapshotHeap JVM = new SnapshotHeap(hotSpotFlags());

    /** This JVM's own flags. */
    static Flags hotSpotFlags() {
        return new HotSpotFlags();
    }

    private final Flags flags;
    private int loading;
    private int ownMin;
    private int ownMax;
    private boolean broken;

    SnapshotHeap(Flags flags) {
        this.flags = flags;
    }

    /** One syncer's load: {@link #end()} it once that syncer is in sync or stops (more calls do nothing). */
    final class Load {
        private boolean ended;

        void end() {
            synchronized (SnapshotHeap.this) {
                if (ended) {
                    return;
                }
                ended = true;
                if (--loading == 0 && !broken) {
                    restore();
                }
            }
        }
    }

    synchronized Load begin(String syncer) {
        Load load = new Load();
        if (loading++ == 0 && !broken) {
            try {
                ownMin = flags.get(MIN);
                ownMax = flags.get(MAX);
                int min = Math.max(ownMin, LOADING_MIN_FREE);
                int max = Math.max(ownMax, Math.max(min, LOADING_MAX_FREE));
                if (min != ownMin || max != ownMax) {
                    // Max first: the JVM refuses a MinHeapFreeRatio above the current MaxHeapFreeRatio.
                    flags.set(MAX, max);
                    flags.set(MIN, min);
                    LOG.infof("event=heap_loading syncer=%s min_heap_free_ratio=%d max_heap_free_ratio=%d"
                            + " reason=\"a large first snapshot: the heap grows in large steps until in sync\"", syncer,
                            min, max);
                }
            } catch (RuntimeException e) {
                broken = true;
                LOG.infof("event=heap_loading_unavailable syncer=%s reason=\"%s\"", syncer, e.getMessage());
            }
        }
        return load;
    }

    private void restore() {
        try {
            if (flags.get(MIN) != ownMin || flags.get(MAX) != ownMax) {
                // Min first, for the same rule.
                flags.set(MIN, ownMin);
                flags.set(MAX, ownMax);
                LOG.infof("event=heap_loading_done min_heap_free_ratio=%d max_heap_free_ratio=%d", ownMin, ownMax);
            }
        } catch (RuntimeException e) {
            broken = true;
            LOG.warnf("event=heap_restore_failed reason=\"%s\"", e.getMessage());
        }
    }

    /** Through the JVM's diagnostic bean; it refuses a flag that is not writable or a value out of range. */
    private static final class HotSpotFlags implements Flags {
        private final HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

        @Override
        public int get(String name) {
            return Integer.parseInt(bean.getVMOption(name).getValue());
        }

        @Override
        public void set(String name, int value) {
            bean.setVMOption(name, Integer.toString(value));
        }
    }
}
