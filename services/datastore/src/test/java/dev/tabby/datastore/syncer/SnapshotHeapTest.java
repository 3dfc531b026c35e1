package dev.tabby.datastore.syncer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotHeapTest {
    /** Flags that keep HotSpot's rule (Min <= Max) and record every write. */
    static final class FakeFlags implements SnapshotHeap.Flags {
        final Map<String, Integer> values = new HashMap<>(Map.of("MinHeapFreeRatio", 10, "MaxHeapFreeRatio", 30));
        final List<String> writes = new ArrayList<>();
        boolean refuse;

        @Override
        public int get(String name) {
            return values.get(name);
        }

        @Override
        public void set(String name, int value) {
            if (refuse) {
                throw new IllegalArgumentException("flag " + name + " is not writeable");
            }
            Map<String, Integer> after = new HashMap<>(values);
            after.put(name, value);
            if (after.get("MinHeapFreeRatio") > after.get("MaxHeapFreeRatio")) {
                throw new IllegalArgumentException(name + "=" + value + " breaks MinHeapFreeRatio <= MaxHeapFreeRatio");
            }
            values.putAll(after);
            writes.add(name + "=" + value);
        }
    }

    @Test
    void growsInLargeStepsUntilTheLastLoadEndsThenGivesTheJvmsOwnSettingsBack() {
        FakeFlags flags = new FakeFlags();
        SnapshotHeap heap = new SnapshotHeap(flags);

        SnapshotHeap.Load first = heap.begin("a");
        SnapshotHeap.Load second = heap.begin("b");
        assertEquals(Map.of("MinHeapFreeRatio", 40, "MaxHeapFreeRatio", 70), flags.values);

        first.end();
        first.end();
        assertEquals(40, flags.get("MinHeapFreeRatio"), "another syncer is still loading");

        second.end();
        assertEquals(Map.of("MinHeapFreeRatio", 10, "MaxHeapFreeRatio", 30), flags.values);
        assertEquals(List.of("MaxHeapFreeRatio=70", "MinHeapFreeRatio=40", "MinHeapFreeRatio=10", "MaxHeapFreeRatio=30"),
                flags.writes, "raised Max first and restored Min first, so the JVM never refuses a write");
    }

    @Test
    void aJvmThatAlreadyGrowsInLargeStepsIsLeftAlone() {
        FakeFlags flags = new FakeFlags();
        flags.values.putAll(Map.of("MinHeapFreeRatio", 50, "MaxHeapFreeRatio", 80));

        new SnapshotHeap(flags).begin("a").end();

        assertEquals(List.of(), flags.writes);
    }

    @Test
    void aJvmThatRefusesTheFlagsKeepsItsOwnAndTheSyncerGoesOn() {
        FakeFlags flags = new FakeFlags();
        flags.refuse = true;
        SnapshotHeap heap = new SnapshotHeap(flags);

        heap.begin("a").end();
        heap.begin("b").end();

        assertEquals(Map.of("MinHeapFreeRatio", 10, "MaxHeapFreeRatio", 30), flags.values);
    }

    /** The real JVM's flags are writable at run time: otherwise the whole mechanism is a no-op. */
    @Test
    void thisJvmsFlagsChangeAndComeBack() {
        SnapshotHeap.Flags jvm = SnapshotHeap.hotSpotFlags();
        int min = jvm.get("MinHeapFreeRatio");
        int max = jvm.get("MaxHeapFreeRatio");
        try {
            jvm.set("MinHeapFreeRatio", 10);
            jvm.set("MaxHeapFreeRatio", 30);
            SnapshotHeap.Load load = new SnapshotHeap(jvm).begin("test");
            assertEquals(40, jvm.get("MinHeapFreeRatio"));
            assertEquals(70, jvm.get("MaxHeapFreeRatio"));
            load.end();
            assertEquals(10, jvm.get("MinHeapFreeRatio"));
            assertEquals(30, jvm.get("MaxHeapFreeRatio"));
        } finally {
            jvm.set("MaxHeapFreeRatio", Math.max(max, 30));
            jvm.set("MinHeapFreeRatio", min);
            jvm.set("MaxHeapFreeRatio", max);
        }
        assertTrue(jvm.get("MinHeapFreeRatio") <= jvm.get("MaxHeapFreeRatio"));
    }
}
