package dev.tabby.probe.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.probe.ReportJson;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
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

    @BeforeEach
    void probed() {
        runner.runOnce();
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

    private static JsonNode findCheck(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + id + " in " + report);
    }
}
