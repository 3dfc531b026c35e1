package dev.tabby.bgp.rib;

import static dev.tabby.bgp.rib.Fixtures.SELF;
import static dev.tabby.bgp.rib.Fixtures.attrs;
import static dev.tabby.bgp.rib.Fixtures.client;
import static dev.tabby.bgp.rib.Fixtures.ebgp;
import static dev.tabby.bgp.rib.Fixtures.ibgp;
import static dev.tabby.bgp.rib.Fixtures.route;
import static dev.tabby.bgp.rib.Fixtures.v4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 4271 9.2 and RFC 4456 6 and 8: who may receive a best route, and with what reflection attributes. */
class ExportRulesTest {
    private static Peer peer(String kind, String address) {
        return switch (kind) {
            case "ebgp" -> ebgp(address, 65001);
            case "ibgp" -> ibgp(address);
            case "client" -> client(address);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0} -> {1}: sent={2}, reflected={3}")
    @CsvSource({
        // learned from, sent to, sent?, reflected (ORIGINATOR_ID/CLUSTER_LIST added)?
        "ebgp,   ebgp,   true,  false",
        "ebgp,   ibgp,   true,  false",
        "ebgp,   client, true,  false",
        "ibgp,   ebgp,   true,  false",
        "ibgp,   ibgp,   false, false",
        "ibgp,   client, true,  true",
        "client, ebgp,   true,  false",
        "client, ibgp,   true,  true",
        "client, client, true,  true",
    })
    void exportTable(String from, String to, boolean sent, boolean reflected) {
        Route best = route("10.65.0.0/26", attrs().path(65001L), peer(from, "10.0.0.2"));
        PathAttributes out = ExportRules.export(best, peer(to, "10.0.0.3"), SELF);
        if (!sent) {
            assertNull(out);
            return;
        }
        assertNotNull(out);
        if (reflected) {
            assertEquals(v4("10.0.0.2"), out.originatorId(), "ORIGINATOR_ID is the source's BGP identifier");
            assertEquals(List.of(SELF.clusterId()), out.clusterList());
        } else {
            assertNull(out.originatorId());
            assertEquals(List.of(), out.clusterList());
        }
    }

    @Test
    void neverBackToTheSourcePeer() {
        Route best = route("10.65.0.0/26", attrs(), client("10.0.0.2"));
        assertNull(ExportRules.export(best, client("10.0.0.2"), SELF));
    }

    @Test
    void reflectingKeepsOriginatorAndPrependsClusterId() {
        // RFC 4456 8: ORIGINATOR_ID is not overwritten; our CLUSTER_ID is prepended to CLUSTER_LIST.
        Route best = route("10.65.0.0/26", attrs().originator("10.0.0.77").clusters("244.0.0.9"), client("10.0.0.2"));
        PathAttributes out = ExportRules.export(best, ibgp("10.0.0.3"), SELF);
        assertEquals(v4("10.0.0.77"), out.originatorId());
        assertEquals(List.of(SELF.clusterId(), v4("244.0.0.9")), out.clusterList());
    }

    @Test
    void ebgpExportDropsReflectionAttributesAndLocalPref() {
        Route best = route("10.65.0.0/26", attrs().localPref(300).originator("10.0.0.77").clusters("244.0.0.9"),
                client("10.0.0.2"));
        PathAttributes out = ExportRules.export(best, ebgp("10.0.0.3", 65001), SELF);
        assertNull(out.originatorId());
        assertEquals(List.of(), out.clusterList());
        assertEquals(PathAttributes.DEFAULT_LOCAL_PREF, out.localPref());
    }

    @Test
    void ebgpLearnedToIbgpIsUnchanged() {
        Route best = route("10.65.0.0/26", attrs().path(65001L), ebgp("10.0.0.2", 65001));
        assertSame(best.attributes(), ExportRules.export(best, ibgp("10.0.0.3"), SELF));
    }
}
