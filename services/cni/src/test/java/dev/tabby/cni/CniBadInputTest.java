package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input and failures half-way: a spec error that says what was wrong, and nothing left half-created. */
class CniBadInputTest {
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
        daemon.close();
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

    @Test
    void malformedConfigurationIsADecodingFailure() {
        TestNamespace c = f.container();
        CniRuntime.Outcome o = cni(CniRuntime.Call.of("ADD", CniFixture.containerId(), c.path().toString(),
                "{\"cniVersion\":\"1.0.0\", \"name\": \"k8s-pod-network\", \"type\": "));
        assertEquals(6, o.code(), o.toString());
        assertTrue(o.msg().contains("not valid JSON"), o.msg());
        assertEquals("1.0.0", o.json().path("cniVersion").asText());
        assertNotEquals0(o.exitCode());
        f.assertNoLeftovers(List.of());
    }

    @Test
    void wrongValuesAreInvalidConfigurationOrEnvironment() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        String netnsPath = c.path().toString();
        assertEquals(7, cni(CniRuntime.Call.of("ADD", id, netnsPath, "{\"cniVersion\":\"1.0.0\",\"type\":\"tabby\"}")).code());
        assertEquals(7, cni(CniRuntime.Call.of("ADD", id, netnsPath, f.config("1.0.0", "\"mtu\": \"big\""))).code());
        CniRuntime.Outcome noIpam = cni(CniRuntime.Call.of("ADD", id, netnsPath, f.config().replace(",\"ipam\":{\"type\":\"tabby-ipam\"}", "")));
        assertEquals(7, noIpam.code(), noIpam.toString());
        assertEquals(1, cni(CniRuntime.Call.of("ADD", id, netnsPath, f.config("0.2.0", null))).code());
        assertEquals(4, cni(CniRuntime.Call.of("ADD", null, netnsPath, f.config())).code());
        assertEquals(4, cni(CniRuntime.Call.of("ADD", id, null, f.config())).code());
        assertEquals(4, cni(CniRuntime.Call.of("ADD", "bad/id", netnsPath, f.config())).code());
        assertEquals(4, cni(CniRuntime.Call.of("ADD", id, netnsPath, f.config()).withArgs("K8S_POD_NAME")).code());
        CniRuntime.Outcome badPod = cni(CniRuntime.Call.of("ADD", id, netnsPath, f.config()).withPod("shop", "Web_1"));
        assertEquals(4, badPod.code(), badPod.toString());
        assertTrue(badPod.msg().contains("K8S_POD_NAME"), badPod.msg());
        assertEquals(4, cni(CniRuntime.Call.of("FROB", id, netnsPath, f.config())).code());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void aMissingNetnsCreatesNothing() {
        String id = CniFixture.containerId();
        CniRuntime.Outcome o = cni(CniRuntime.Call.of("ADD", id, "/run/netns/tabby-t-missing-" + CniFixture.hex(4), f.config())
                .withPod("shop", "nowhere"));
        assertEquals(3, o.code(), o.toString());
        assertTrue(o.msg().contains("does not exist"), o.msg());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void anExhaustedPoolFailsCleanly() {
        f.wipe();
        f.registerNode();
        f.pool("tiny", "10.67.0.0/30", 30);
        List<String> ids = new ArrayList<>();
        List<TestNamespace> containers = new ArrayList<>();
        CniRuntime.Outcome failed = null;
        for (int i = 0; i < 8 && failed == null; i++) {
            TestNamespace c = f.container();
            String id = CniFixture.containerId();
            ids.add(id);
            containers.add(c);
            CniRuntime.Outcome o = cni(CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "p" + i));
            if (!o.ok()) {
                failed = o;
            }
        }
        assertTrue(failed != null, "a /30 pool ran out within 8 workloads");
        assertEquals(101, failed.code(), failed.toString());
        int held = ids.size() - 1;
        assertTrue(held >= 1, "the pool gave at least one address");
        String lastId = ids.get(ids.size() - 1);
        assertTrue(f.ipam.addressesOf(CniFixture.NETWORK + "." + lastId).isEmpty());
        assertFalse(containers.get(containers.size() - 1).oracle().link("eth0").isPresent());
        assertEquals(held, f.endpoints().size());
        assertEquals(held, f.host.oracle().links().stream().filter(l -> ((String) l.get("ifname")).startsWith("cali")).count());

        for (int i = 0; i < ids.size(); i++) {
            assertTrue(cni(CniRuntime.Call.of("DEL", ids.get(i), containers.get(i).path().toString(), f.config())
                    .withPod("shop", "p" + i)).ok());
        }
        f.assertNoLeftovers(ids);
    }

    @Test
    void aKernelFailureAfterIpamUndoesTheAssignment() {
        TestNamespace c = f.container();
        c.ip("link", "add", "eth0", "type", "veth", "peer", "name", "squatter");
        String id = CniFixture.containerId();
        CniRuntime.Outcome o = cni(CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "clash"));
        assertEquals(102, o.code(), o.toString());
        assertTrue(o.msg().contains("already has an interface named eth0"), o.msg());
        assertTrue(o.msg().contains("undone: released 10.66."), o.msg());
        f.assertNoLeftovers(List.of(id));
        assertTrue(c.oracle().link("squatter").isPresent(), "what was there before is left alone");
    }

    private static void assertNotEquals0(int exit) {
        assertTrue(exit != 0, "a failed call exits non-zero");
    }
}
