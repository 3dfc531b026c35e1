package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** etcd goes away under a warm daemon: ADD and DEL say "try again later" (11) and leave nothing half-made. */
class CniEtcdDownTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    @Test
    void etcdDownIsTryAgainLaterAndNothingIsCreated() throws Exception {
        Path socket = ETCD.scratchDir("daemon").resolve("cni.sock");
        try (TestDaemon daemon = TestDaemon.start(socket);
             CniFixture f = new CniFixture(ETCD, netns)) {
            CniRuntime.Transport plugin = daemon.node(f.host).transport();
            f.pool("pool-v4", "10.68.0.0/16", 26);
            TestNamespace before = f.container();
            String beforeId = CniFixture.containerId();
            CniRuntime.Call addBefore = CniRuntime.Call.of("ADD", beforeId, before.path().toString(), f.config())
                    .withPod("shop", "before").withEnv("TABBY_ETCD_TIMEOUT", "2s");
            plugin.call(Plugins.CNI, addBefore).requireOk(); // the daemon now holds a live connection

            ETCD.etcd().stop();
            TestNamespace during = f.container();
            String duringId = CniFixture.containerId();
            long start = System.nanoTime();
            CniRuntime.Outcome add = plugin.call(Plugins.CNI, CniRuntime.Call.of("ADD", duringId, during.path().toString(),
                    f.config()).withPod("shop", "during").withEnv("TABBY_ETCD_TIMEOUT", "2s"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(11, add.code(), add.toString());
            assertTrue(add.msg().contains("etcd is unavailable"), add.msg());
            assertTrue(ms < 20_000, "the error came after " + ms + " ms");
            assertFalse(during.oracle().link("eth0").isPresent(), "no interface in the container");
            assertEquals(1, f.host.oracle().links().stream().filter(l -> ((String) l.get("ifname")).startsWith("cali")).count(),
                    "only the earlier workload's veth on the host");

            CniRuntime.Outcome del = plugin.call(Plugins.CNI, addBefore.withCommand("DEL"));
            assertEquals(11, del.code(), del.toString());

            ETCD.etcd().startAgain();
            assertTrue(plugin.call(Plugins.CNI, addBefore.withCommand("DEL")).ok(), "the repeated DEL finishes the job");
            assertTrue(plugin.call(Plugins.CNI, CniRuntime.Call.of("DEL", duringId, during.path().toString(), f.config())
                    .withPod("shop", "during")).ok());
            f.assertNoLeftovers(List.of(beforeId, duringId));
        }
    }
}
