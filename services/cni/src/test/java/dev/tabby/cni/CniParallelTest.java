package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Twenty pods arrive on one node at once and leave at once: distinct addresses, then nothing left anywhere. */
class CniParallelTest {
    private static final int PODS = 20;

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    @Test
    void twentyParallelAddsThenTwentyParallelDels() throws Exception {
        Path socket = ETCD.scratchDir("daemon").resolve("cni.sock");
        ExecutorService pool = Executors.newFixedThreadPool(PODS);
        try (TestDaemon daemon = TestDaemon.start(socket);
             CniFixture f = new CniFixture(ETCD, netns)) {
            CniRuntime.Transport plugin = daemon.node(f.host).transport();
            // Small blocks, so the pods also race each other for block claims.
            f.pool("pool-v4", "10.69.0.0/16", 29);
            List<CniRuntime.Call> adds = new ArrayList<>();
            for (int i = 0; i < PODS; i++) {
                TestNamespace c = f.container();
                adds.add(CniRuntime.Call.of("ADD", CniFixture.containerId(), c.path().toString(), f.config())
                        .withPod("load", "pod-" + i));
            }

            List<Future<CniRuntime.Outcome>> added = new ArrayList<>();
            for (CniRuntime.Call a : adds) {
                added.add(pool.submit(() -> plugin.call(Plugins.CNI, a)));
            }
            HashSet<String> addresses = new HashSet<>();
            for (Future<CniRuntime.Outcome> o : added) {
                addresses.add(o.get().requireOk().json().path("ips").get(0).path("address").asText());
            }
            assertEquals(PODS, addresses.size(), "every pod got its own address: " + addresses);
            assertEquals(PODS, f.endpoints().size());
            assertEquals(PODS, f.host.oracle().links().stream().filter(l -> ((String) l.get("ifname")).startsWith("cali")).count());
            for (String a : addresses) {
                assertTrue(f.host.oracle().route("main", a).isPresent(), "host route to " + a);
            }

            List<Future<CniRuntime.Outcome>> deleted = new ArrayList<>();
            for (CniRuntime.Call a : adds) {
                deleted.add(pool.submit(() -> plugin.call(Plugins.CNI, a.withCommand("DEL"))));
            }
            for (Future<CniRuntime.Outcome> o : deleted) {
                o.get().requireOk();
            }
            f.assertNoLeftovers(adds.stream().map(CniRuntime.Call::containerId).toList());
        } finally {
            pool.shutdownNow();
        }
    }
}
