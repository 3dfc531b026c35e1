package dev.tabby.vxlan.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.runtime.events.ServiceEvents;
import java.util.List;
import java.util.Objects;
import jakarta.inject.Inject;

import dev.tabby.vxlan.plan.VtepMac;
import dev.tabby.vxlan.testing.Await;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's HTTP surface over a real etcd and a namespace it programs. */
@QuarkusTest
@QuarkusTestResource(value = VxlanServiceResource.class, restrictToAnnotatedClass = true)
class VxlanServiceTest {

    @BeforeEach
    void ready() {
        Await.until(Duration.ofSeconds(30), "service ready",
                () -> given().get("/q/health/ready").statusCode() == 200 ? null : given().get("/q/health/ready").asString());
    }

    @Test
    void statusListsTheDeviceVtepsAndRoutes() {
        given().when().get("/v1/status").then().statusCode(200)
                .body("ready", equalTo(true))
                .body("datastore", equalTo("IN_SYNC"))
                .body("vxlan.node", equalTo(VxlanServiceResource.NODE))
                .body("vxlan.state", equalTo("ACTIVE"))
                .body("vxlan.device.name", equalTo("vxlan.calico"))
                .body("vxlan.device.vni", equalTo(4096))
                .body("vxlan.device.parent", equalTo("eth0"))
                .body("vxlan.device.mac", equalTo(VtepMac.derived(VxlanServiceResource.NODE).toString()))
                .body("vxlan.vteps.node", hasItem(VxlanServiceResource.REMOTE))
                .body("vxlan.vteps[0].tunnelAddress", equalTo("10.65.7.0"))
                .body("vxlan.vteps[0].underlayAddress", equalTo("10.250.9.2"))
                .body("vxlan.routes[0].destination", equalTo(VxlanServiceResource.REMOTE_BLOCK))
                .body("vxlan.routes[0].gateway", equalTo("10.65.7.0"))
                .body("vxlan.routes[0].encapsulated", equalTo(true));
    }

    @Inject
    StatusPublishing publishing;

    @Inject
    KeyValueStore store;

    @Test
    void statusIsPublishedUnderTheNodesStatusKey() throws Exception {
        publishing.publish();
        byte[] stored = store.get("/tabby/status/" + VxlanServiceResource.NODE + "/vxlan-manager").orElseThrow().value();
        JsonNode status = new ObjectMapper().readTree(stored);
        assertEquals(VxlanServiceResource.NODE, status.path("vxlan").path("node").asText());
        // Counted, not listed: every node publishes one (PublishedStatus); the list is on /v1/status.
        assertEquals(1, status.path("vxlan").path("vteps").asInt(-1), status.toString());
        assertEquals(status.path("vxlan").path("routes").asInt(-1), given().get("/v1/status").then().extract()
                .jsonPath().getList("vxlan.routes").size(), status.toString());
        assertEquals("vxlan.calico", status.path("vxlan").path("device").path("name").asText(), status.toString());
    }

    @Test
    void readinessAndLivenessSayWhy() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'vxlan' }.data.state", equalTo("ACTIVE"))
                .body("checks.find { it.name == 'vxlan' }.data.vteps", equalTo(1));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void theMtuFileSaysTheDevicesMtu() throws Exception {
        // eth0 (1500) matches Felix's mtuIfacePattern: 1500 - 50; the directory did not exist before.
        java.nio.file.Path file = VxlanServiceResource.mtuFile(VxlanServiceResource.lastDir);
        Await.until(Duration.ofSeconds(10), "MTU file", () -> java.nio.file.Files.exists(file) ? null : "no " + file);
        assertEquals("1450", java.nio.file.Files.readString(file));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)));
    }

    @Inject
    ServiceEvents events;

    @Inject
    VxlanService service;

    /** The service's kept events (GET /v1/events replays the same), oldest first. */
    private List<CloudEvent> kept() {
        try (EventHub.Subscription s = events.hub().subscribe(e -> true)) {
            return s.replay();
        }
    }

    private CloudEvent awaitEvent(String what, String subject) {
        String type = "dev.tabby.vxlan-manager." + what;
        Await.until(Duration.ofSeconds(15), type + " about " + subject, () -> kept().stream()
                .anyMatch(e -> e.type().equals(type) && Objects.equals(subject, e.subject())) ? null : "kept: " + kept());
        return kept().stream().filter(e -> e.type().equals(type) && Objects.equals(subject, e.subject()))
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void eventsSayWhatWasProgrammedAndWhatWasRepaired() {
        CloudEvent route = awaitEvent("route.added", VxlanServiceResource.REMOTE_BLOCK);
        assertEquals("/nodes/" + VxlanServiceResource.NODE + "/vxlan-manager", route.source());
        assertEquals("10.65.7.0", route.data().get("gateway"));
        assertEquals("vxlan", route.data().get("type"));
        assertEquals("vxlan.calico", route.data().get("device"));
        CloudEvent vtep = awaitEvent("vtep.added", VxlanServiceResource.REMOTE);
        assertEquals("10.250.9.2", vtep.data().get("underlayAddress"));
        assertEquals(VtepMac.derived(VxlanServiceResource.REMOTE).toString(), vtep.data().get("mac"));
        awaitEvent("service.ready", null);

        // An operator deletes the route: the next resync puts it back and says so, without a second route.added.
        long routeAdds = kept().stream().filter(e -> e.type().endsWith(".route.added")).count();
        VxlanServiceResource.lastNs.ip("route", "del", VxlanServiceResource.REMOTE_BLOCK);
        service.agent().requestResync();
        CloudEvent drift = awaitEvent("drift.repaired", "vxlan.calico");
        assertEquals(1, ((Number) drift.data().get("routes")).intValue(), drift.toString());
        assertEquals(routeAdds, kept().stream().filter(e -> e.type().endsWith(".route.added")).count());

        // An operator deletes the device itself: the link event makes it again at once, and says so.
        VxlanServiceResource.lastNs.ip("link", "del", "vxlan.calico");
        CloudEvent recreated = awaitEvent("device.recreated", "vxlan.calico");
        assertEquals("it was deleted", recreated.data().get("reason"));
        Await.until(Duration.ofSeconds(10), "the route back on the new device", () -> VxlanServiceResource.lastNs
                .ip("route", "show", VxlanServiceResource.REMOTE_BLOCK).contains("vxlan.calico") ? null : "not yet");
    }

    @Test
    void metricsCountAppliesVtepsAndRoutes() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("tabby_vxlan_vteps 1.0"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_routes 1.0"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_ready 1.0"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_applies_total"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_apply_failures_total"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_resyncs_total"), metrics);
        assertTrue(metrics.contains("tabby_vxlan_last_apply_seconds"), metrics);
    }
}
