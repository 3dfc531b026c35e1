package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ADD waits for the endpoint's policy on a node that runs a policy renderer. The test plays the renderer: it writes
 * the keys Felix v3.18 writes (libcalico-go release-v3.18 lib/backend/model statusreports.go, workloadendpointstatus.go),
 * spelled out here rather than taken from Tabby's key helper, so a wrong key fails.
 */
class CniPolicyWaitTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static TestDaemon daemon;
    private static CniRuntime.Transport plugin;
    private CniFixture f;

    @BeforeAll
    static void startDaemon() throws Exception {
        daemon = TestDaemon.start(ETCD.scratchDir("daemon").resolve("cni.sock"));
        plugin = daemon.transport();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @BeforeEach
    void node() {
        f = new CniFixture(ETCD, netns);
        daemon.node(f.host);
        f.pool("pool-v4", "10.67.0.0/16", 26);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private CniRuntime.Outcome cni(CniRuntime.Call c) {
        return plugin.call(Plugins.CNI, c);
    }

    /** Felix's active status report: present while its Felix runs. */
    private void rendererRunsOn(String node) {
        put("/calico/felix/v2/no-region/host/" + node + "/status",
                "{\"time\":\"2026-12-04T13:00:00Z\",\"uptime\":12.5,\"first_update\":false}");
    }

    /** Felix's key for pod shop/{@code pod}'s eth0 on this node: the workload is "namespace/pod", '/' escaped. */
    private String statusKey(String pod) {
        return "/calico/felix/v2/no-region/host/" + f.node + "/workload/k8s/shop%2f" + pod + "/endpoint/eth0";
    }

    private void put(String key, String value) {
        f.kv.put(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** An ADD for pod shop/{@code name} in a container namespace of its own. */
    private record Pod(CniRuntime.Call add, TestNamespace container) {
    }

    private Pod pod(String name, String extraConfig) {
        TestNamespace c = f.container();
        return new Pod(CniRuntime.Call.of("ADD", CniFixture.containerId(), c.path().toString(), f.config("1.0.0", extraConfig))
                .withPod("shop", name), c);
    }

    /** Blocks until the ADD has written its endpoint, i.e. it is now in its wait (or past it). */
    private void awaitEndpointWritten(CompletableFuture<CniRuntime.Outcome> add) throws InterruptedException {
        for (int i = 0; i < 400 && f.endpoints().isEmpty(); i++) {
            if (add.isDone()) {
                throw new AssertionError("ADD returned before its endpoint was seen: " + add.join());
            }
            Thread.sleep(50);
        }
        assertEquals(1, f.endpoints().size(), "the ADD wrote its endpoint");
    }

    @Test
    void noRendererOnTheNodeMeansNoWait() {
        // Another node's renderer does not count; with a wait of 2 s and no status ever written, an ADD that waited
        // would fail.
        rendererRunsOn("some-other-node");
        CniRuntime.Call add = pod("no-wait", "\"policy_setup_timeout_seconds\": 2").add();
        cni(add).requireOk();
        assertTrue(cni(add.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(add.containerId()));
    }

    @Test
    void endpointReportingSwitchedOffInFelixConfigurationMeansNoWait() {
        rendererRunsOn(f.node);
        ResourceStore store = new ResourceStore(f.kv);
        // The cluster says off, this node says on: the node wins, as in Felix, and the ADD waits (and fails in 2 s).
        apply(store, "default", false);
        apply(store, "node." + f.node, true);
        try {
            CniRuntime.Call waits = pod("waits", "\"policy_setup_timeout_seconds\": 2").add();
            CniRuntime.Outcome timedOut = cni(waits);
            assertEquals(11, timedOut.code(), "no status is ever written here: " + timedOut);

            // Off on the node: the renderer writes no statuses (Felix's own default), so the ADD returns at once.
            apply(store, "node." + f.node, false);
            CniRuntime.Call add = pod("no-reporting", "\"policy_setup_timeout_seconds\": 2").add();
            cni(add).requireOk();
            assertTrue(cni(add.withCommand("DEL")).ok());
            f.assertNoLeftovers(List.of(add.containerId(), waits.containerId()));
        } finally {
            for (String name : List.of("default", "node." + f.node)) {
                store.delete(new ResourceId(Kind.FELIX_CONFIGURATION, null, name), null);
            }
        }
    }

    private static void apply(ResourceStore store, String name, boolean reporting) {
        store.apply(ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: %s}
                spec: {endpointReportingEnabled: %s}
                """.formatted(name, reporting)).resources().get(0));
    }

    @Test
    void addReturnsOnceTheEndpointIsReportedUp() throws Exception {
        rendererRunsOn(f.node);
        CniRuntime.Call add = pod("web-1", "\"policy_setup_timeout_seconds\": 60").add();
        CompletableFuture<CniRuntime.Outcome> running = CompletableFuture.supplyAsync(() -> cni(add));
        awaitEndpointWritten(running);

        put(statusKey("web-1"), "{\"status\":\"down\"}");
        Thread.sleep(500);
        assertFalse(running.isDone(), "ADD returned while the endpoint was down: " + (running.isDone() ? running.join() : ""));

        put(statusKey("web-1"), "{\"status\":\"up\"}");
        CniRuntime.Outcome done = running.get(30, TimeUnit.SECONDS);
        done.requireOk();
        assertTrue(f.host.oracle().links().stream().anyMatch(l -> ((String) l.get("ifname")).startsWith("cali")));

        // A repeated ADD finds the endpoint up and returns the same result.
        assertEquals(done.stdout(), cni(add).requireOk().stdout());
        assertTrue(cni(add.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(add.containerId()));
    }

    @Test
    void neverUpFailsWithinTheBoundAndLeavesNothing() {
        rendererRunsOn(f.node);
        Pod neverUp = pod("never-up", "\"policy_setup_timeout_seconds\": 1");
        CniRuntime.Call add = neverUp.add();
        CniRuntime.Outcome failed = cni(add);

        assertEquals(11, failed.code(), failed.toString());
        String msg = failed.msg();
        String wep = f.node.replace("-", "--") + "-k8s-never--up-eth0";
        assertTrue(msg.contains("shop/" + wep), msg);
        assertTrue(msg.contains(statusKey("never-up")), msg);
        assertTrue(msg.contains("within 1 s"), msg);
        assertTrue(msg.contains("tabby status") && msg.contains("/v1/endpoints/shop/" + wep), "the renderer's endpoint page, namespace and name: " + msg);
        assertTrue(msg.contains("deleted WorkloadEndpoint") && msg.contains("released"), "the undo is reported: " + msg);
        assertTrue(neverUp.container().oracle().link("eth0").isEmpty(), "no eth0 left in the container");
        f.assertNoLeftovers(List.of(add.containerId()));

        // The same bound from the environment, as TABBY_CNI_TIMEOUT is given.
        CniRuntime.Call fromEnv = pod("never-up-env", null).add().withEnv("TABBY_CNI_POLICY_SETUP_TIMEOUT", "1");
        CniRuntime.Outcome envFailed = cni(fromEnv);
        assertEquals(11, envFailed.code(), envFailed.toString());
        assertTrue(envFailed.msg().contains(statusKey("never-up-env")), envFailed.msg());
        f.assertNoLeftovers(List.of(fromEnv.containerId()));

        // 0 turns the wait off.
        CniRuntime.Call off = pod("never-up-off", "\"policy_setup_timeout_seconds\": 0").add();
        cni(off).requireOk();
        assertTrue(cni(off.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(off.containerId()));
    }

    @Test
    void anErrorReportFailsTheAddAtOnce() throws Exception {
        rendererRunsOn(f.node);
        // A bound far beyond the test's patience: only the error report can end this ADD in time.
        Pod broken = pod("broken", "\"policy_setup_timeout_seconds\": 600");
        CniRuntime.Call add = broken.add();
        CompletableFuture<CniRuntime.Outcome> running = CompletableFuture.supplyAsync(() -> cni(add));
        awaitEndpointWritten(running);

        put(statusKey("broken"), "{\"status\":\"error\",\"message\":\"iptables-restore failed at line 7\"}");
        CniRuntime.Outcome failed = running.get(60, TimeUnit.SECONDS);

        assertEquals(105, failed.code(), failed.toString());
        assertTrue(failed.msg().contains("iptables-restore failed at line 7"), failed.msg());
        assertTrue(failed.msg().contains(statusKey("broken")), failed.msg());
        assertTrue(broken.container().oracle().link("eth0").isEmpty(), "no eth0 left in the container");
        f.assertNoLeftovers(List.of(add.containerId()));
    }
}
