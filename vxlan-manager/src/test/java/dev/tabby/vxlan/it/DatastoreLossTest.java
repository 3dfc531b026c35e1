package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.vxlan.agent.VxlanAgent;
import dev.tabby.vxlan.testing.Await;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd dies under a converged cluster: readiness goes down naming the datastore's state, liveness stays up, and the
 * kernel keeps everything (nothing is removed for want of data); when etcd is back, readiness returns. The cluster's
 * own etcd, so killing it touches no other test.
 */
class DatastoreLossTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    static final List<String> NODES = List.of("node1", "node2");

    Path dir;
    LocalEtcd etcd;
    KeyValueStore kv;
    TestCluster cluster;

    @AfterEach
    void cleanUp() {
        if (cluster != null) {
            cluster.close();
        }
        if (kv != null) {
            kv.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        if (dir != null) {
            EtcdExtension.deleteRecursively(dir);
        }
    }

    @Test
    void losingEtcdTakesReadinessDownAndLeavesTheKernelAsItIs() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "namespaces need root");
        dir = Files.createTempDirectory("tabby-vxlan-etcd-loss-");
        etcd = LocalEtcd.start(dir.resolve("etcd"));
        kv = KeyValueStore.connect(etcd.clientConfig());
        cluster = TestCluster.build(kv, netns, "Always", 1, new NodeDef("node1", "10.250.1.1/24"),
                new NodeDef("node2", "10.250.1.2/24"));
        cluster.startAgents(Duration.ofSeconds(1)); // resyncs every second: any removal would show at once
        cluster.awaitConverged(NODES, false, Duration.ofSeconds(30));
        TestCluster c = cluster;
        Await.until(Duration.ofSeconds(10), "ready", () -> c.agent("node1").ready() ? null : c.agent("node1").reason());

        // What each node must keep, worked out while etcd can still say it.
        java.util.Map<String, TestCluster.Expected> before = new java.util.HashMap<>();
        for (String n : NODES) {
            before.put(n, c.expected(n, NODES, false));
        }
        etcd.kill();
        // The syncer leaves IN_SYNC within 10 s of etcd dying; allow for the detection on a loaded machine.
        Await.until(Duration.ofSeconds(30), "readiness down", () -> {
            VxlanAgent a = c.agent("node1");
            return !a.ready() && a.reason().startsWith("datastore: ") ? null : "ready=" + a.ready() + " " + a.reason();
        });
        assertTrue(c.agent("node1").reason().contains(" since "), c.agent("node1").reason());
        assertTrue(c.agent("node1").turning(Duration.ofSeconds(30)), "liveness must stay up while etcd is away");
        Thread.sleep(2000); // two resyncs of the kernel while the datastore is gone
        for (String n : NODES) {
            assertNull(before.get(n).mismatchIn(c.ns(n)), n + " lost kernel state with the datastore");
        }
        assertNull(TestCluster.ping(c.workloads.get(0), c.workloads.get(1).ip()));

        etcd.startAgain();
        Await.until(Duration.ofSeconds(60), "ready again", () -> c.agent("node1").ready() ? null
                : c.agent("node1").reason());
        cluster.awaitConverged(NODES, false, Duration.ofSeconds(30));
    }
}
