package dev.tabby.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltaTrackerTest {
    private final DeltaTracker<String, Integer> t = new DeltaTracker<>();

    private static Map<String, Integer> asMap(List<Map.Entry<String, Integer>> entries) {
        Map<String, Integer> m = new HashMap<>();
        entries.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    @Test
    void aNewDesiredKeyIsPendingUntilTheKernelHasIt() {
        t.setDesired("a", 1);
        assertEquals(Map.of("a", 1), asMap(t.pendingUpdates()));

        t.setActual("a", 1);
        assertFalse(t.hasPending());
    }

    @Test
    void desiringWhatTheKernelAlreadyHoldsNeedsNoWrite() {
        t.setActual("a", 1);
        t.setDesired("a", 1);
        assertFalse(t.hasPending());
    }

    @Test
    void aDifferentValueInTheKernelIsAnUpdateNotADeletion() {
        t.setActual("a", 1);
        t.setDesired("a", 2);
        assertEquals(Map.of("a", 2), asMap(t.pendingUpdates()));
        assertTrue(t.pendingDeletions().isEmpty());
    }

    @Test
    void undesiringAKernelValueMakesADeletionOfTheKernelsValue() {
        t.setDesired("a", 2);
        t.setActual("a", 1);
        t.deleteDesired("a");
        assertTrue(t.pendingUpdates().isEmpty());
        assertEquals(Map.of("a", 1), asMap(t.pendingDeletions()));

        t.deleteActual("a");
        assertFalse(t.hasPending());
    }

    @Test
    void undesiringWhatWasNeverWrittenCostsNothing() {
        t.setDesired("a", 1);
        t.deleteDesired("a");
        assertFalse(t.hasPending());
        t.deleteDesired("never-there");
        assertFalse(t.hasPending());
    }

    @Test
    void aKernelValueNobodyWantsIsStale() {
        t.setActual("left-over", 7);
        assertEquals(Map.of("left-over", 7), asMap(t.pendingDeletions()));
    }

    @Test
    void aValueDeletedFromTheKernelIsPendingAgain() {
        t.setDesired("a", 1);
        t.setActual("a", 1);
        t.deleteActual("a");
        assertEquals(Map.of("a", 1), asMap(t.pendingUpdates()));
    }

    @Test
    void reDesiringAKeyPendingDeletionCancelsTheDeletion() {
        t.setActual("a", 1);
        assertEquals(1, t.pendingDeletions().size());
        t.setDesired("a", 1);
        assertFalse(t.hasPending());
    }

    @Test
    void aResyncRecomputesEverythingFromTheDump() {
        t.setDesired("kept", 1);
        t.setDesired("deleted-by-hand", 2);
        t.setDesired("changed-by-hand", 3);
        t.setActual("kept", 1);
        t.setActual("deleted-by-hand", 2);
        t.setActual("changed-by-hand", 3);
        assertFalse(t.hasPending());

        t.replaceAllActual(Map.of("kept", 1, "changed-by-hand", 99, "stale", 4));

        assertEquals(Map.of("deleted-by-hand", 2, "changed-by-hand", 3), asMap(t.pendingUpdates()));
        assertEquals(Map.of("stale", 4), asMap(t.pendingDeletions()));
        assertEquals(Map.of("kept", 1, "changed-by-hand", 99, "stale", 4), t.actualView());
    }

    @Test
    void replacingAllDesiredDropsWhatIsNotNamed() {
        t.setDesired("a", 1);
        t.setDesired("b", 2);
        t.setActual("a", 1);
        t.setActual("b", 2);

        t.replaceAllDesired(Map.of("b", 2, "c", 3));

        assertEquals(Map.of("c", 3), asMap(t.pendingUpdates()));
        assertEquals(Map.of("a", 1), asMap(t.pendingDeletions()));
        assertEquals(Map.of("b", 2, "c", 3), t.desiredView());
    }

    @Test
    void resultsCanBeRecordedWhileWalkingThePending() {
        for (int i = 0; i < 100; i++) {
            t.setDesired("k" + i, i);
            t.setActual("stale" + i, i);
        }
        t.pendingUpdates().forEach(e -> t.setActual(e.getKey(), e.getValue()));
        t.pendingDeletions().forEach(e -> t.deleteActual(e.getKey()));
        assertFalse(t.hasPending());
        assertEquals(0, t.pendingCount());
    }

    @Test
    void lookupsSeeBothSides() {
        t.setDesired("a", 1);
        t.setActual("a", 2);
        assertEquals(1, t.desired("a").orElseThrow());
        assertEquals(2, t.actual("a").orElseThrow());
        assertTrue(t.desired("b").isEmpty());
    }
}
