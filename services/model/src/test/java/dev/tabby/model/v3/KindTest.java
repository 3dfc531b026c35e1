package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The look-ups over the kinds, which read a cached array instead of {@code values()} (issue 16). */
class KindTest {

    @Test
    void everyResourceClassNamesItsKind() {
        for (Kind k : Kind.values()) {
            assertEquals(k, Kind.of(k.type()));
        }
    }

    @Test
    void aClassThatIsNoResourceIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kind.of(String.class));
        assertEquals("not a resource class: java.lang.String", e.getMessage());
    }

    /** Manifest kinds are matched exactly as written, as calicoctl's scheme matches them: no case folding, no list. */
    @Test
    void kindNamesMatchOnlyAsWritten() {
        assertEquals(Kind.WORKLOAD_ENDPOINT, Kind.byKindName("WorkloadEndpoint").orElseThrow());
        assertTrue(Kind.byKindName("workloadendpoint").isEmpty());
        assertTrue(Kind.byKindName("WorkloadEndpointList").isEmpty());
        assertTrue(Kind.byKindName("").isEmpty());
        assertTrue(Kind.byCliName("nothing").isEmpty());
    }

    @Test
    void allKindNamesListsThemInDeclarationOrder() {
        assertEquals("IPPool, Node, BGPConfiguration, BGPPeer, FelixConfiguration, NetworkPolicy, GlobalNetworkPolicy,"
                + " NetworkSet, GlobalNetworkSet, HostEndpoint, WorkloadEndpoint, Profile, ClusterInformation",
                Kind.allKindNames());
    }
}
