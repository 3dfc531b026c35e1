package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.containers.ServiceDeclarations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/tabby up --runtime podman}: every test of {@link TestbedTest} again, on three nodes whose services are
 * containers of the images bin/tabby images builds, each joined to its node's namespace with exactly the
 * capabilities and mounts charts/tabby/services.yaml declares, the CNI plugins installed on each node from the cni
 * image as the chart's init container does. Then what only containers have: the declared capabilities in force, a
 * killed container failing its readiness until podman's restart brings it back, the installed plugin attaching a
 * workload. The inherited teardown checks that down leaves no container, namespace or process.
 */
class PodmanTestbedTest extends TestbedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    String runtime() {
        return ContainerServices.RUNTIME;
    }

    @Test
    @Order(20)
    void everyServiceIsARunningContainerWithItsDeclaredCapabilities() throws Exception {
        awaitHealthy();
        Run status = testbed("status", "-o", "json");
        assertEquals(0, status.exit(), status.out());
        JsonNode nodes = JSON.readTree(status.out()).path("nodes");
        assertEquals(3, nodes.size());
        ServiceDeclarations declared = ServiceDeclarations.load(ROOT);
        for (JsonNode n : nodes) {
            JsonNode containers = n.path("containers");
            assertEquals(new TreeSet<>(Services.NODE_SERVICES), names(containers), n.path("name").asText());
            for (String service : Services.NODE_SERVICES) {
                JsonNode c = containers.path(service);
                assertEquals("running", c.path("state").asText(), service + " on " + n.path("name").asText());
                Set<String> want = new TreeSet<>();
                declared.of(service).capabilities().forEach(x -> want.add("CAP_" + x));
                assertEquals(want, effectiveCapabilities(c.path("name").asText()), service + "'s capabilities");
            }
        }
    }

    @Test
    @Order(21)
    void aKilledContainerFailsItsReadinessAndPodmanRestartsIt() throws Exception {
        State.ServiceProcess vxlan = state().processes.stream()
                .filter(p -> p.node.equals("node2") && p.service.equals(Services.VXLAN)).findFirst().orElseThrow();
        long before = ContainerServices.mainPid(vxlan.container);
        int restarts = ContainerServices.states(state().prefix).get(vxlan.container).restarts();
        assertTrue(before > 0, "vxlan-manager's container runs");
        assertEquals("ready", Services.readiness(layout(), vxlan));
        ProcessHandle.of(before).orElseThrow().destroyForcibly();
        // The JVM that replaces it takes seconds to answer: a look right after the kill sees it not ready.
        assertNotEquals("ready", firstReadinessOtherThan("ready", vxlan), "readiness after the kill");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String now;
        do {
            Thread.sleep(500);
            now = Services.readiness(layout(), vxlan);
        } while (!now.equals("ready") && System.nanoTime() < deadline);
        assertEquals("ready", now, "vxlan-manager came back ready in its restarted container");
        assertNotEquals(before, ContainerServices.mainPid(vxlan.container), "a new process in the same container");
        assertEquals(restarts + 1, ContainerServices.states(state().prefix).get(vxlan.container).restarts(),
                "podman restarted the container once");
        awaitHealthy();
    }

    @Test
    @Order(22)
    void theCniPluginOnEachNodeIsTheOneTheCniImageInstalled() throws Exception {
        for (State.NodeInfo n : state().nodes) {
            Path bin = layout().nodeDir(n.name).resolve("cni-bin");
            for (String plugin : List.of("tabby", "tabby-cni", "tabby-ipam")) {
                assertTrue(Files.isExecutable(bin.resolve(plugin)), n.name + "'s /opt/cni/bin/" + plugin);
            }
            JsonNode conflist = JSON.readTree(layout().nodeDir(n.name).resolve("cni-conf/10-tabby.conflist").toFile());
            assertEquals("tabby", conflist.path("plugins").path(0).path("type").asText(), conflist.toString());
            assertEquals(n.name, conflist.path("plugins").path(0).path("nodename").asText(), conflist.toString());
        }
    }

    private String firstReadinessOtherThan(String value, State.ServiceProcess p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String now;
        do {
            now = Services.readiness(layout(), p);
            if (!now.equals(value)) {
                return now;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return now;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> effectiveCapabilities(String container) throws IOException {
        Shell.Result r = Shell.run("podman", "inspect", "--format", "json", container);
        assertTrue(r.ok(), r.err());
        Set<String> out = new TreeSet<>();
        JSON.readTree(r.out()).path(0).path("EffectiveCaps").forEach(c -> out.add(c.asText()));
        return out;
    }
}
