package dev.tabby.ipip.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.ipip.manager.IpipStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status a node publishes in etcd does not grow with the cluster; /v1/status's lists are counted in it. */
class PublishedStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static StatusResource.Body body(int nodes, int problems) {
        List<IpipStatus.RouteEntry> routes = new ArrayList<>();
        for (int i = 1; i < nodes; i++) {
            String block = "10." + (128 + i / 4096) + "." + i / 16 % 256 + "." + i % 16 * 16;
            routes.add(new IpipStatus.RouteEntry(block + "/26", "node-" + i, "10.99." + i / 256 + "." + i % 256, "tunl0",
                    true));
        }
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < problems; i++) {
            skipped.add("/calico/ipam/v2/assignment/ipv4/block/bad-" + i + ": not a CIDR");
        }
        IpipStatus ipip = new IpipStatus("node-0", "ACTIVE", "1 IP-in-IP pool(s)",
                new IpipStatus.Device("tunl0", 1480, "10.128.0.1"), "IPIP_MANAGER", routes, List.of("10.128.0.0/26"),
                1480, skipped);
        return new StatusResource.Body(true, "ready", "IN_SYNC", null, 0, null, ipip);
    }

    @Test
    void atFiveThousandNodesTheRoutesWouldBeHalfAMegabyteAndTheCountsAreAFewHundredBytes() throws Exception {
        StatusResource.Body body = body(5000, 0);
        int listed = JSON.writeValueAsBytes(body).length;
        int published = JSON.writeValueAsBytes(PublishedStatus.of(body)).length;
        assertTrue(listed > 500_000, "what a node published before, at 5,000 nodes: " + listed + " bytes");
        assertTrue(published < 1_000, "what it publishes now: " + published + " bytes");
        JsonNode doc = JSON.valueToTree(PublishedStatus.of(body));
        assertEquals(4999, doc.path("ipip").path("routes").asInt());
        assertEquals(1, doc.path("ipip").path("blackholes").asInt());
        assertEquals("IPIP_MANAGER", doc.path("ipip").path("routeOwner").asText());
        assertEquals(1480, doc.path("ipip").path("podMtu").asInt());
        assertEquals("tunl0", doc.path("ipip").path("device").path("name").asText());
    }

    @Test
    void problemsAreCountedAndTheFirstTenNamed() {
        PublishedStatus many = PublishedStatus.of(body(3, 500));
        assertEquals(500, many.ipip().problemCount());
        assertEquals(PublishedStatus.PROBLEMS_NAMED, many.ipip().problems().size());
        assertEquals(List.of(), PublishedStatus.of(body(3, 0)).ipip().problems());
    }
}
