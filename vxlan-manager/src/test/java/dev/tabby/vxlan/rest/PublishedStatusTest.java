package dev.tabby.vxlan.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.vxlan.manager.VxlanStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status a node publishes in etcd does not grow with the cluster; /v1/status's lists are counted in it. */
class PublishedStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** /v1/status of a node in a cluster of {@code nodes}, with {@code problems} skipped values. */
    private static StatusResource.Body body(int nodes, int problems) {
        List<VxlanStatus.VtepEntry> vteps = new ArrayList<>();
        List<VxlanStatus.RouteEntry> routes = new ArrayList<>();
        for (int i = 1; i < nodes; i++) {
            String tunnel = "10." + (128 + i / 4096) + "." + i / 16 % 256 + "." + i % 16 * 16;
            vteps.add(new VxlanStatus.VtepEntry("node-" + i, tunnel, "66:f9:37:c3:7e:" + String.format("%02x", i % 256),
                    "10.99." + i / 256 + "." + i % 256));
            routes.add(new VxlanStatus.RouteEntry(tunnel + "/26", "node-" + i, tunnel, "vxlan.calico", true));
        }
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < problems; i++) {
            skipped.add("/calico/resources/v3/projectcalico.org/nodes/bad-" + i + ": spec.bgp.ipv4Address is not an"
                    + " address");
        }
        VxlanStatus.Device device = new VxlanStatus.Device("vxlan.calico", 4096, 4789, 1450, "66:f9:37:c3:7e:94",
                "10.128.0.0", "eth0", "10.99.0.1");
        VxlanStatus vxlan = new VxlanStatus("node-0", "ACTIVE", "1 VXLAN pool(s)", device, vteps, routes,
                List.of("10.128.0.0/26"), skipped);
        return new StatusResource.Body(true, "ready", "IN_SYNC", null, 0, "kept 10.128.0.0", vxlan);
    }

    @Test
    void atFiveThousandNodesTheListsWouldBeAMegabyteAndTheCountsAreAFewHundredBytes() throws Exception {
        StatusResource.Body body = body(5000, 0);
        int listed = JSON.writeValueAsBytes(body).length;
        int published = JSON.writeValueAsBytes(PublishedStatus.of(body)).length;
        assertTrue(listed > 1_000_000, "what a node published before, at 5,000 nodes: " + listed + " bytes");
        assertTrue(published < 1_000, "what it publishes now: " + published + " bytes");
        int small = JSON.writeValueAsBytes(PublishedStatus.of(body(50, 0))).length;
        assertTrue(published - small <= 6, "only the counts' digits grow: " + small + " -> " + published);
        JsonNode doc = JSON.valueToTree(PublishedStatus.of(body));
        assertEquals(4999, doc.path("vxlan").path("vteps").asInt());
        assertEquals(4999, doc.path("vxlan").path("routes").asInt());
        assertEquals(1, doc.path("vxlan").path("blackholes").asInt());
        assertEquals("vxlan.calico", doc.path("vxlan").path("device").path("name").asText());
        assertEquals("ACTIVE", doc.path("vxlan").path("state").asText());
        assertEquals("IN_SYNC", doc.path("datastore").asText());
    }

    @Test
    void problemsAreCountedAndTheFirstTenNamed() {
        PublishedStatus few = PublishedStatus.of(body(3, 2));
        assertEquals(2, few.vxlan().problemCount());
        assertEquals(2, few.vxlan().problems().size());
        PublishedStatus many = PublishedStatus.of(body(3, 500));
        assertEquals(500, many.vxlan().problemCount());
        assertEquals(PublishedStatus.PROBLEMS_NAMED, many.vxlan().problems().size());
        assertTrue(many.vxlan().problems().get(0).contains("bad-0"), many.vxlan().problems().get(0));
    }
}
