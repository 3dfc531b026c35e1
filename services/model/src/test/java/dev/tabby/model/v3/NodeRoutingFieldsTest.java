package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming read of a Node's routing fields gives what the full codec gives, and refuses what it refuses. */
class NodeRoutingFieldsTest {
    private static final String KEY = "/calico/resources/v3/projectcalico.org/nodes/node-1";

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String node(String spec) {
        return """
                {"kind":"Node","apiVersion":"projectcalico.org/v3","metadata":{"name":"node-1","uid":"u1",
                 "labels":{"a":"b"},"creationTimestamp":"2026-01-01T00:00:00Z"},"spec":%s}""".formatted(spec);
    }

    @Test
    void readsWhatTheFullCodecReads() {
        String value = node("""
                {"orchRefs":[{"nodeName":"k1","orchestrator":"k8s"}],
                 "bgp":{"ipv4Address":"10.0.0.5/24","ipv4IPIPTunnelAddr":"10.64.0.1","ipv6Address":"fd00::5/64"},
                 "ipv4VXLANTunnelAddr":"10.65.0.1","vxlanTunnelMACAddr":"66:AA:bb:cc:dd:ee",
                 "addresses":[{"address":"10.0.0.5"}]}""");
        Node full = (Node) ResourceCodec.fromStoredValue(Kind.NODE, json(value), 3, KEY);
        NodeRoutingFields read = NodeRoutingFields.read(json(value), KEY);
        assertEquals(new NodeRoutingFields(full.name(), full.spec().bgp().ipv4Address(),
                full.spec().bgp().ipv4IPIPTunnelAddr(), full.spec().ipv4VXLANTunnelAddr(),
                full.spec().vxlanTunnelMACAddr()), read);
        assertEquals("66:aa:bb:cc:dd:ee", read.vxlanTunnelMACAddr());
    }

    @Test
    void absentAndNullFieldsAreNull() {
        NodeRoutingFields read = NodeRoutingFields.read(json(node("{\"bgp\":null,\"vxlanTunnelMACAddr\":null}")), KEY);
        assertEquals("node-1", read.name());
        assertNull(read.ipv4Address());
        assertNull(read.ipv4VXLANTunnelAddr());
        assertNull(read.vxlanTunnelMACAddr());
        assertNull(NodeRoutingFields.read(json(node("{}")), KEY).ipv4IPIPTunnelAddr());
    }

    /** Each bad routing field is refused with the full codec's own message. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"bgp\":{\"ipv4Address\":\"10.0.0.300/24\"}}",
            "{\"bgp\":{\"ipv4Address\":\"fd00::1/64\"}}",
            "{\"bgp\":{\"ipv4IPIPTunnelAddr\":\"tunnel\"}}",
            "{\"ipv4VXLANTunnelAddr\":\"fd00::1\"}",
            "{\"ipv4VXLANTunnelAddr\":\"10.65.0.x\"}",
            "{\"vxlanTunnelMACAddr\":\"66:aa:bb\"}",
    })
    void refusesABadFieldAsTheFullCodecDoes(String spec) {
        byte[] value = json(node(spec));
        ManifestException full = assertThrows(ManifestException.class,
                () -> ResourceCodec.fromStoredValue(Kind.NODE, value, 3, KEY));
        ManifestException read = assertThrows(ManifestException.class, () -> NodeRoutingFields.read(value, KEY));
        assertEquals(full.problems(), read.problems());
    }

    @Test
    void refusesWhatIsNotANode() {
        assertEquals("etcd key " + KEY + ": holds a IPPool, expected a Node", assertThrows(ManifestException.class,
                () -> NodeRoutingFields.read(json("{\"kind\":\"IPPool\",\"apiVersion\":\"projectcalico.org/v3\"}"), KEY))
                .problems().get(0));
        String notJson = assertThrows(ManifestException.class, () -> NodeRoutingFields.read(json("{not json"), KEY))
                .problems().get(0);
        assertEquals(true, notJson.startsWith("etcd key " + KEY + ": not JSON: "), notJson);
        assertEquals("etcd key " + KEY + ": spec.bgp.ipv4Address: expected a string",
                assertThrows(ManifestException.class, () -> NodeRoutingFields.read(
                        json(node("{\"bgp\":{\"ipv4Address\":[1]}}")), KEY)).problems().get(0));
        assertEquals("etcd key " + KEY + ": metadata.name: is required", assertThrows(ManifestException.class,
                () -> NodeRoutingFields.read(json("{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\"}"), KEY))
                .problems().get(0));
    }
}
