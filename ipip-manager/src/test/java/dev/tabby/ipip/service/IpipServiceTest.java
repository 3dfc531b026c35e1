package dev.tabby.ipip.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.runtime.events.ServiceEvents;
import java.util.List;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service on a kernel without ipip (this machine's): it starts, allocates the node's tunnel address, plans the
 * routes, and says precisely why it is not ready, with the remedy, instead of pretending. On a kernel with ipip the
 * same service is tested in the VM (testbed's IpipVmSuiteTest). Skipped where ipip is loadable but not loaded:
 * asking for tunl0 there would load the module, which creates tunl0 in the host's namespace too.
 */
@QuarkusTest
@QuarkusTestResource(value = IpipServiceResource.class, restrictToAnnotatedClass = true)
class IpipServiceTest {
    @Inject
    KeyValueStore store;

    @BeforeAll
    static void onlyWithoutLoadableIpip() throws IOException {
        boolean loaded = Files.exists(Path.of("/sys/module/ipip"));
        assumeFalse(!loaded && ipipLoadable(), "the ipip module is loadable: the VM suite covers this service");
    }

    @Test
    void theNodeGetsAnIpipTunnelAddressFromThePool() throws Exception {
        ResourceStore resources = new ResourceStore(store);
        String addr = null;
        for (int i = 0; i < 100 && addr == null; i++) {
            Node n = (Node) resources.get(new ResourceId(Kind.NODE, null, IpipServiceResource.NODE)).orElseThrow();
            addr = n.spec().bgp().ipv4IPIPTunnelAddr();
            if (addr == null) {
                Thread.sleep(100);
            }
        }
        assertTrue(addr != null && addr.startsWith("10.66."), "spec.bgp.ipv4IPIPTunnelAddr from the pool: " + addr);
    }

    @Test
    void withoutIpipItIsNotReadyAndSaysWhyAndWhatToDo() throws Exception {
        String body = "";
        for (int i = 0; i < 100; i++) {
            body = given().get("/q/health/ready").asString();
            if (body.contains("no IP-in-IP support")) {
                break;
            }
            Thread.sleep(100);
        }
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'ipip' }.data.reason", containsString("the kernel has no IP-in-IP support"))
                .body("checks.find { it.name == 'ipip' }.data.reason", containsString("modprobe ipip"));
        given().when().get("/q/health/live").then().statusCode(200);
        // The last word on readiness is service.not-ready (with the reason readiness gave when it went down, which
        // at start is the datastore's: ServiceEvents reports changes of readiness, not of its reason).
        for (int i = 0; i < 50 && lastReadiness().isEmpty(); i++) {
            Thread.sleep(100);
        }
        CloudEvent last = lastReadiness().orElseThrow(() -> new AssertionError("no readiness event: " + kept()));
        assertEquals("dev.tabby.ipip-manager.service.not-ready", last.type(), kept().toString());
        assertTrue(String.valueOf(last.data().get("reason")).length() > 0, last.toString());
        assertEquals("/nodes/" + IpipServiceResource.NODE + "/ipip-manager", last.source());
        assertTrue(kept().stream().noneMatch(e -> e.type().startsWith("dev.tabby.ipip-manager.route.")),
                "no route is in the kernel, so none is reported added: " + kept());
    }

    @Inject
    ServiceEvents events;

    private List<CloudEvent> kept() {
        try (EventHub.Subscription s = events.hub().subscribe(e -> true)) {
            return s.replay();
        }
    }

    private java.util.Optional<CloudEvent> lastReadiness() {
        return kept().stream().filter(e -> e.type().startsWith("dev.tabby.ipip-manager.service.")).reduce((a, b) -> b);
    }

    @Test
    void statusShowsThePlannedTunnelAndRoutes() {
        given().when().get("/v1/status").then().statusCode(200)
                .body("ready", equalTo(false))
                .body("datastore", equalTo("IN_SYNC"))
                .body("ipip.node", equalTo(IpipServiceResource.NODE))
                .body("ipip.state", equalTo("ACTIVE"))
                .body("ipip.routeOwner", equalTo("IPIP_MANAGER"))
                .body("ipip.device.name", equalTo("tunl0"))
                .body("ipip.device.mtu", equalTo(1480))
                .body("ipip.routes[0].destination", equalTo(IpipServiceResource.REMOTE_BLOCK))
                .body("ipip.routes[0].gateway", equalTo("10.250.9.2"))
                .body("ipip.routes[0].device", equalTo("tunl0"))
                .body("ipip.routes[0].encapsulated", equalTo(true))
                .body("lastError", containsString("tunl0"));
    }

    @Inject
    StatusPublishing publishing;

    @Test
    void theStatusKeyHoldsTheStatusWithItsListsCounted() throws Exception {
        publishing.publish();
        byte[] stored = store.get("/tabby/status/" + IpipServiceResource.NODE + "/ipip-manager").orElseThrow().value();
        JsonNode status = new ObjectMapper().readTree(stored);
        assertEquals(IpipServiceResource.NODE, status.path("ipip").path("node").asText());
        assertEquals("ACTIVE", status.path("ipip").path("state").asText());
        assertEquals("IPIP_MANAGER", status.path("ipip").path("routeOwner").asText());
        assertEquals(1, status.path("ipip").path("routes").asInt(-1), "the one route, counted: " + status);
        assertTrue(status.path("lastError").asText().contains("tunl0"), status.toString());
    }

    @Test
    void metricsSayItOwnsTheRoutesAndIsNotReady() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("tabby_ipip_ready 0.0"), metrics);
        assertTrue(metrics.contains("tabby_ipip_routes_owned 1.0"), metrics);
        assertTrue(metrics.contains("tabby_ipip_apply_failures_total"), metrics);
        assertTrue(metrics.contains("tabby_ipip_routes 1.0"), "the one planned route to the remote block: " + metrics);
    }

    /** Whether modprobe could load ipip here: the running kernel's modules.dep lists it. */
    private static boolean ipipLoadable() throws IOException {
        String release = Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).strip();
        Path dep = Path.of("/lib/modules", release, "modules.dep");
        if (!Files.exists(dep)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(dep)) {
            return lines.anyMatch(l -> l.matches("^\\S*/ipip\\.ko(\\.\\w+)?:.*"));
        }
    }
}
