package dev.tabby.testbed.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scale bench's random changes on a small cluster: a change with nothing left to apply it to becomes a node-add
 * instead of drawing for ever (`bench scale --nodes 2` ran out of endpoints and spun at 100 % CPU until killed).
 */
class ScaleBenchChangesTest {
    private static final Duration QUICK = Duration.ofSeconds(5);

    private final ScaleBench.Run run = new ScaleBench.Run(2, 0, 0, false, false, 16, null);

    private ScaleBench.SynNode node(int block, int nextOrdinal) {
        ScaleBench.SynNode n = new ScaleBench.SynNode("scale-" + block, block, "172.16.0." + block);
        n.nextOrdinal = nextOrdinal;
        run.synthetic.add(n);
        return n;
    }

    private ScaleBench.Wep wep(ScaleBench.SynNode n, int app) {
        ScaleBench.Wep w = new ScaleBench.Wep(n, "ns-0", "pod-" + run.weps.size(), n.nextOrdinal++, app);
        run.weps.add(w);
        return w;
    }

    @Test
    void everyKindOnAClusterWithNoRemoteNodeBecomesANodeAdd() {
        assertTimeoutPreemptively(QUICK, () -> {
            for (String kind : ScaleBench.KINDS) {
                assertEquals("node-add", run.feasible(kind), kind);
            }
        });
    }

    @Test
    void endpointChangesWithNoEndpointLeftBecomeNodeAdds() {
        ScaleBench.SynNode n = node(1, 1);
        wep(n, 0).gone = true;
        assertTimeoutPreemptively(QUICK, () -> {
            assertEquals("node-add", run.feasible("endpoint-remove"));
            assertEquals("node-add", run.feasible("endpoint-relabel"));
            assertEquals("endpoint-add", run.feasible("endpoint-add"));
            assertEquals("tunnel-move", run.feasible("tunnel-move"));
            assertEquals("node-remove", run.feasible("node-remove"));
        });
    }

    @Test
    void onlySelectedEndpointsAreRemovedSoUnselectedOnesLeaveNothingToRemove() {
        ScaleBench.SynNode n = node(1, 1);
        wep(n, ScaleBench.SELECTED_APPS);
        assertTimeoutPreemptively(QUICK, () -> {
            assertEquals("node-add", run.feasible("endpoint-remove"));
            assertEquals("endpoint-relabel", run.feasible("endpoint-relabel"));
            assertNull(run.pick(w -> w.app < ScaleBench.SELECTED_APPS));
        });
    }

    @Test
    void fullBlocksLeaveNoRoomForATunnelMoveOrAnEndpoint() {
        node(1, 64);
        node(2, 64);
        assertTimeoutPreemptively(QUICK, () -> {
            assertNull(run.roomy());
            assertEquals("node-add", run.feasible("tunnel-move"));
            assertEquals("node-add", run.feasible("endpoint-add"));
        });
    }

    @Test
    void theOneEligibleItemAmongManyIsFoundAfterTheRandomDrawsMiss() {
        ScaleBench.SynNode n = node(1, 1);
        List<ScaleBench.Wep> gone = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ScaleBench.Wep w = new ScaleBench.Wep(n, "ns-0", "pod-" + i, 1, 0);
            w.gone = true;
            gone.add(w);
        }
        run.weps.addAll(gone);
        ScaleBench.Wep live = new ScaleBench.Wep(n, "ns-0", "pod-live", 2, 3);
        run.weps.add(live);
        assertTimeoutPreemptively(QUICK, () -> assertSame(live, run.pick(w -> true)));
    }
}
