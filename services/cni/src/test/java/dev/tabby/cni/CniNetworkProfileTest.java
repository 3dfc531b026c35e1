package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network's Profile that Calico's plugin creates for a workload outside Kubernetes (cni-plugin release-v3.18
 * pkg/plugin/plugin.go cmdAdd), and the labels every WorkloadEndpoint carries; through the daemon's socket, against
 * etcd and real namespaces.
 */
class CniNetworkProfileTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    /**
     * What Calico's own test expects of the profile for network "net1": cni-plugin release-v3.18
     * tests/calico_cni_test.go, "successfully networks the namespace" (LabelsToApply {"net1": ""}, Egress
     * [{Action: Allow}], Ingress [{Action: Allow, Source: {Selector: "has(net1)"}}]), written as a manifest.
     */
    private static final String CALICO_NET1_PROFILE = """
            apiVersion: projectcalico.org/v3
            kind: Profile
            metadata:
              name: net1
            spec:
              ingress:
              - action: Allow
                source:
                  selector: has(net1)
              egress:
              - action: Allow
              labelsToApply:
                net1: ""
            """;

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
        f.pool("pool-v4", "10.66.0.0/16", 26);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private CniRuntime.Outcome cni(CniRuntime.Call c) {
        return plugin.call(Plugins.CNI, c);
    }

    private Optional<Profile> profile(String name) {
        return f.resources.get(new ResourceId(Kind.PROFILE, null, name)).map(r -> (Profile) r);
    }

    private String configFor(String network, String extra) {
        return f.config("1.0.0", extra).replace("\"name\":\"" + CniFixture.NETWORK + "\"", "\"name\":\"" + network + "\"");
    }

    @Test
    void aWorkloadOutsideKubernetesGetsCalicosNetworkProfileAndLabels() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), configFor("net1", null));
        assertTrue(profile("net1").isEmpty());

        cni(add).requireOk();

        Profile expected = (Profile) ResourceCodec.read(CALICO_NET1_PROFILE).resources().get(0);
        Profile created = profile("net1").orElseThrow(() -> new AssertionError("no Profile net1 after the ADD"));
        assertEquals(expected.spec(), created.spec(), "Calico's rules and labelsToApply, exactly");
        assertEquals(Map.of(), created.metadata().labels() == null ? Map.of() : created.metadata().labels());

        WorkloadEndpoint wep = CniPluginTest.single(f.endpoints());
        assertEquals(List.of("net1"), wep.spec().profiles());
        assertEquals("cni", wep.spec().orchestrator());
        assertEquals(Map.of("projectcalico.org/namespace", "default", "projectcalico.org/orchestrator", "cni"),
                wep.metadata().labels(), "the labels libcalico-go's client writes on every WorkloadEndpoint");
        // The Profile's selector picks the workload once the Profile's labels are applied to it.
        Map<String, String> effective = new java.util.HashMap<>(wep.metadata().labels());
        effective.putAll(created.spec().labelsToApply());
        assertTrue(dev.tabby.model.selector.Selector.parse(created.spec().ingress().get(0).source().selector())
                .matches(effective));

        assertTrue(cni(add.withCommand("DEL")).ok());
        assertTrue(f.endpoints().isEmpty());
        assertTrue(f.ipam.addressesOf("net1." + id).isEmpty());
        assertTrue(profile("net1").isPresent(), "DEL leaves the network's Profile, as Calico's plugin does");
    }

    @Test
    void anExistingProfileIsNeverTouched() {
        f.create("""
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata:
                  name: k8s-pod-network
                  labels:
                    edited-by: operator
                spec:
                  ingress:
                  - action: Deny
                  labelsToApply:
                    team: blue
                """);
        Resource before = f.resources.get(new ResourceId(Kind.PROFILE, null, CniFixture.NETWORK)).orElseThrow();

        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config());
        cni(add).requireOk();

        Resource after = f.resources.get(new ResourceId(Kind.PROFILE, null, CniFixture.NETWORK)).orElseThrow();
        assertEquals(before, after, "same content and resourceVersion");
        assertEquals(List.of(CniFixture.NETWORK), CniPluginTest.single(f.endpoints()).spec().profiles());
        assertTrue(cni(add.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void parallelAddsOnANewNetworkAllSucceedAndMakeOneProfile() throws Exception {
        int workloads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(workloads);
        try {
            List<CniRuntime.Call> adds = new ArrayList<>();
            for (int i = 0; i < workloads; i++) {
                adds.add(CniRuntime.Call.of("ADD", CniFixture.containerId(), f.container().path().toString(), f.config()));
            }
            List<Future<CniRuntime.Outcome>> outcomes = new ArrayList<>();
            for (CniRuntime.Call a : adds) {
                outcomes.add(pool.submit(() -> cni(a)));
            }
            for (Future<CniRuntime.Outcome> o : outcomes) {
                o.get().requireOk();
            }
            assertEquals(1, f.resources.list(Kind.PROFILE, null).items().size());
            assertTrue(profile(CniFixture.NETWORK).isPresent());
            for (CniRuntime.Call a : adds) {
                assertTrue(cni(a.withCommand("DEL")).ok());
            }
            f.assertNoLeftovers(adds.stream().map(CniRuntime.Call::containerId).toList());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noProfileWithAPolicyTypeOrForAPod() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        // Calico creates the profile only when conf.Policy.PolicyType is "", but names it on the endpoint regardless.
        CniRuntime.Call typed = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config("1.0.0", "\"policy\":{\"type\":\"k8s\"}"));
        cni(typed).requireOk();
        assertTrue(f.resources.list(Kind.PROFILE, null).items().isEmpty(), "policy.type set: no Profile");
        assertEquals(List.of(CniFixture.NETWORK), CniPluginTest.single(f.endpoints()).spec().profiles());
        assertTrue(cni(typed.withCommand("DEL")).ok());

        TestNamespace p = f.container();
        String podId = CniFixture.containerId();
        CniRuntime.Call pod = CniRuntime.Call.of("ADD", podId, p.path().toString(), f.config()).withPod("shop", "web-1");
        cni(pod).requireOk();
        assertTrue(f.resources.list(Kind.PROFILE, null).items().isEmpty(), "a pod's profiles are kns./ksa.: no network Profile");
        WorkloadEndpoint wep = CniPluginTest.single(f.endpoints());
        assertEquals(Map.of("projectcalico.org/namespace", "shop", "projectcalico.org/orchestrator", "k8s",
                "projectcalico.org/serviceaccount", "default"), wep.metadata().labels());
        assertTrue(cni(pod.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(id, podId));
    }

    @Test
    void aNetworkNameThatCannotNameTheProfileFailsBeforeAnythingIsMade() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Outcome bad = cni(CniRuntime.Call.of("ADD", id, c.path().toString(), configFor("Pod_Net", null)));
        assertEquals(7, bad.code(), bad.toString());
        assertTrue(bad.msg().contains("\"Pod_Net\""), bad.msg());
        assertTrue(f.resources.list(Kind.PROFILE, null).items().isEmpty());
        assertTrue(f.ipam.addressesOf("Pod_Net." + id).isEmpty());
        f.assertNoLeftovers(List.of());
    }
}
