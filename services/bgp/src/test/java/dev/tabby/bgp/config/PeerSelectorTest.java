package dev.tabby.bgp.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BGPPeer nodeSelector and peerSelector use Calico's whole selector language (services/model's engine). */
class PeerSelectorTest {
    private static final BgpSettings MESH_OFF = new BgpSettings(64512L, false, null);

    @Test
    void nodeSelectorUsesTheFullSelectorLanguage() {
        List<NodeInfo> nodes = List.of(
                new NodeInfo("a", "10.0.0.1", null, null, Map.of("rack", "r1"), null, null),
                new NodeInfo("b", "10.0.0.2", null, null, Map.of("rack", "r2"), null, null));
        List<PeerSpec> peers = List.of(PeerSpec.toAddress("tor", "", "rack in {'r1'} && !has(rr)", "192.0.2.7", 65000L));
        assertEquals(1, SessionPlan.forNode("a", MESH_OFF, nodes, peers).sessions().size());
        assertEquals(0, SessionPlan.forNode("b", MESH_OFF, nodes, peers).sessions().size());
    }

    @Test
    void splitsPeerIpLikeGoSplitHostPort() {
        assertArrayEquals(new String[] {"192.0.2.1", "1790"}, CalicoPeerings.splitHostPort("192.0.2.1:1790"));
        assertArrayEquals(new String[] {"192.0.2.1", "0"}, CalicoPeerings.splitHostPort("192.0.2.1"));
        assertArrayEquals(new String[] {"fd00::1", "179"}, CalicoPeerings.splitHostPort("[fd00::1]:179"));
        assertArrayEquals(new String[] {"fd00::1", "0"}, CalicoPeerings.splitHostPort("fd00::1"));
    }
}
