package dev.tabby.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.netlink.testing.TestNamespace;
import dev.tabby.probe.testing.ChildJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The probe in a node checks that node, not the host: the CLI runs under {@code ip netns exec} in a namespace this
 * test made (as the testbed runs the service in each node's namespace), and what it reports about routes and
 * interfaces is that namespace's. The host's own eth0 and default route must not show through.
 */
class NodeNamespaceTest {

    private static JsonNode probeIn(TestNamespace ns, String only) throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("ip", "netns", "exec", ns.name()), Map.of(), "--only", only,
                "-o", "json", "--node", "ns-node");
        JsonNode report = ReportJson.read(r.stdout());
        assertEquals("ns-node", report.path("node").asText(), r.stderr());
        return report;
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no " + id + " in " + report);
    }

    @Test
    void defaultRouteAndMtuAreTheNamespacesOwn() throws Exception {
        try (TestNamespace ns = TestNamespace.create()) {
            ns.ip("link", "add", "uplink0", "type", "veth", "peer", "name", "peer0");
            ns.ip("link", "set", "uplink0", "mtu", "1400");
            ns.ip("addr", "add", "10.123.0.1/24", "dev", "uplink0");
            ns.ip("addr", "add", "10.123.0.2/24", "dev", "peer0");
            ns.ip("link", "set", "uplink0", "up");
            ns.ip("link", "set", "peer0", "up");

            JsonNode without = probeIn(ns, "default-route,mtu");
            JsonNode noRoute = check(without, "default-route");
            assertEquals("fail", noRoute.path("status").asText(), noRoute.toString());
            assertEquals("no route covers 169.254.1.1 in the main routing table of this network namespace (netlink)",
                    noRoute.path("observed").asText());
            assertTrue(noRoute.path("remedy").asText().startsWith("add a default route"), noRoute.toString());
            String mtu = check(without, "mtu").path("observed").asText();
            assertTrue(mtu.startsWith("uplink0 1400 (smallest; no IPv4 default route); also peer0 1500"), mtu);
            assertFalse(mtu.contains("eth0"), "the host's interfaces showed through: " + mtu);

            // The default gateway is the veth peer's address, as a node's uplink would have one.
            ns.ip("route", "add", "default", "via", "10.123.0.2", "dev", "uplink0");
            JsonNode with = probeIn(ns, "default-route,mtu");
            JsonNode routed = check(with, "default-route");
            assertEquals("pass", routed.path("status").asText(), routed.toString());
            assertTrue(routed.path("observed").asText().startsWith(
                    "169.254.1.1 is covered by 'default via 10.123.0.2 dev uplink0'"), routed.toString());
            String mtuRouted = check(with, "mtu").path("observed").asText();
            assertTrue(mtuRouted.startsWith("uplink0 1400 (default route)"), mtuRouted);

            // A blackhole for the link-local range beats the default route, and the kernel then does not proxy.
            ns.ip("route", "add", "blackhole", "169.254.0.0/16");
            JsonNode blackholed = check(probeIn(ns, "default-route"), "default-route");
            assertEquals("fail", blackholed.path("status").asText(), blackholed.toString());
            assertTrue(blackholed.path("observed").asText().startsWith("169.254.1.1 falls to 'blackhole 169.254.0.0/16'"),
                    blackholed.toString());
        }
    }
}
