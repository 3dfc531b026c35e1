package dev.tabby.probe.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.runtime.events.ServiceEvents;
import java.util.List;
import dev.tabby.probe.ReportJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service's HTTP surface and its published status, over a fixture host whose kernel is too old. */
@QuarkusTest
@QuarkusTestResource(value = ProbeServiceResource.class, restrictToAnnotatedClass = true)
class ProbeServiceTest {
    @Inject
    ProbeRunner runner;

    @Inject
    KeyValueStore store;

    @ProbeServiceResource.InjectEtcd
    LocalEtcd etcd;

    @BeforeEach
    void probed() {
        runner.runOnce();
    }

    @Inject
    ServiceEvents events;

    /** The service's kept events of type {@code dev.tabby.requirements-probe.<what>}, oldest first. */
    private List<CloudEvent> events(String what) {
        try (EventHub.Subscription s = events.hub().subscribe(e -> true)) {
            return s.replay().stream().filter(e -> e.type().equals("dev.tabby.requirements-probe." + what)).toList();
        }
    }

    @Test
    void aCheckThatDoesNotPassIsReportedOnceAsChanged() throws Exception {
        runner.runOnce(); // a second run, like the first: nothing changed, nothing more is reported
        assertTrue(waitFor(Duration.ofSeconds(5), () -> !events("check.changed").isEmpty()), "no check.changed");
        List<CloudEvent> kernel = events("check.changed").stream().filter(e -> "kernel-version".equals(e.subject()))
                .toList();
        assertEquals(1, kernel.size(), "one change, one event: " + kernel);
        CloudEvent e = kernel.get(0);
        assertEquals("/nodes/" + ProbeServiceResource.NODE + "/requirements-probe", e.source());
        assertEquals("none", e.data().get("from"));
        assertEquals("fail", e.data().get("to"));
        assertTrue(String.valueOf(e.data().get("message")).length() > 0, e.toString());
        assertTrue(events("check.changed").stream().noneMatch(c -> "arch".equals(c.subject())),
                "a check that passes from the start says nothing: " + events("check.changed"));
    }

    @Test
    void reportIsServedAsTheCliPrintsIt() {
        given().when().get("/v1/report").then().statusCode(200)
                .body("node", equalTo(ProbeServiceResource.NODE))
                .body("checks.id", hasItem("kernel-version"))
                .body("checks.find { it.id == 'kernel-version' }.status", equalTo("fail"))
                .body("checks.find { it.id == 'datastore' }.status", equalTo("pass"));
    }

    @Test
    void notReadyWhileACheckFails() {
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'requirements' }.data.failing", containsString("kernel-version"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void oneGaugePerCheck() {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("tabby_probe_check_status{check=\"kernel-version\"} 3.0"), metrics);
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("tabby_probe_check_status{check=\"arch\"} 0.0"), metrics);
    }

    @Test
    void reportIsPublishedUnderTheNodesStatus() {
        byte[] stored = store.get("/tabby/status/" + ProbeServiceResource.NODE + "/requirements-probe").orElseThrow().value();
        JsonNode json = ReportJson.read(new String(stored, StandardCharsets.UTF_8));
        assertEquals(ProbeServiceResource.NODE, json.path("node").asText());
        assertEquals("fail", findCheck(json, "kernel-version").path("status").asText());
    }

    @Test
    void reportShowsTheDatastoreStateAndAGaugeToo() {
        given().when().get("/v1/report").then().statusCode(200).body("datastore.state", equalTo("connected"));
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("tabby_probe_datastore_connected 1.0"), metrics);
    }

    @Test
    void etcdKilledTakesReadinessDownWithinTenSecondsAndItRecoversByItself() throws Exception {
        String key = "/tabby/status/" + ProbeServiceResource.NODE + "/requirements-probe";
        store.delete(key); // only a re-publish on etcd's return can bring it back: probes run once an hour here
        try {
            etcd.kill();
            boolean down = waitFor(Duration.ofSeconds(10), () -> "unreachable".equals(report().getString("datastore.state")));
            org.junit.jupiter.api.Assertions.assertTrue(down, "still " + report().getString("datastore.state")
                    + " 10 s after etcd was killed");
            JsonPath ready = given().when().get("/q/health/ready").then().statusCode(503).extract().jsonPath();
            String reason = ready.getString("checks.find { it.name == 'requirements' }.data.reason");
            org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("datastore unreachable since "
                    + report().getString("datastore.since")), reason);
            given().when().get("/q/health/live").then().statusCode(200);
            String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            org.junit.jupiter.api.Assertions.assertTrue(metrics.contains("tabby_probe_datastore_connected 0.0"), metrics);
            org.junit.jupiter.api.Assertions.assertTrue(waitFor(Duration.ofSeconds(5),
                    () -> !events("datastore.lost").isEmpty()), "datastore.lost within 5 s of readiness saying so");
        } finally {
            if (!etcd.isRunning()) {
                etcd.startAgain();
            }
        }
        boolean back = waitFor(Duration.ofSeconds(60), () -> "connected".equals(report().getString("datastore.state"))
                && store.get(key).isPresent());
        org.junit.jupiter.api.Assertions.assertTrue(back, "after etcd's return: " + report().getString("datastore")
                + ", key present " + store.get(key).isPresent());
        JsonNode republished = ReportJson.read(new String(store.get(key).orElseThrow().value(), StandardCharsets.UTF_8));
        assertEquals(ProbeServiceResource.NODE, republished.path("node").asText());
        String reason = given().when().get("/q/health/ready").then().statusCode(503).extract().jsonPath()
                .getString("checks.find { it.name == 'requirements' }.data.reason");
        assertEquals("checks fail: kernel-version", reason, "only the failing check keeps it not ready now");
        org.junit.jupiter.api.Assertions.assertTrue(waitFor(Duration.ofSeconds(5),
                () -> !events("datastore.restored").isEmpty()), "datastore.restored after etcd's return");
    }

    private static JsonPath report() {
        return given().when().get("/v1/report").then().statusCode(200).extract().jsonPath();
    }

    private static boolean waitFor(Duration limit, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(limit);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }

    private static JsonNode findCheck(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + report);
    }
}
