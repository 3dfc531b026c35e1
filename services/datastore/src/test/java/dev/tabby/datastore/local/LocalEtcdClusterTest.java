package dev.tabby.datastore.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalEtcdClusterTest {

    @Test
    void threeMembersReplicateElectANewLeaderAndCloseLeavesNothing() throws IOException {
        Path dir = Files.createTempDirectory("tabby-local-etcd-cluster-");
        Path clusterDir = dir.resolve("cluster");
        List<Long> pids = new ArrayList<>();
        try {
            try (LocalEtcdCluster cluster = LocalEtcdCluster.start(clusterDir, 3)) {
                assertEquals(3, cluster.clientConfig().endpoints().size());
                Set<Integer> ports = new HashSet<>();
                cluster.members().forEach(m -> {
                    ports.add(m.endpoint().getPort());
                    ports.add(m.peerPort());
                });
                assertEquals(6, ports.size(), "every member has its own client and peer port");
                cluster.members().forEach(m -> pids.add(m.pid()));

                LocalEtcd leader = cluster.awaitLeader(Duration.ofSeconds(10));
                leader.etcdctl().run("put", "/cluster/k", "v");
                long leaderPid = leader.pid();
                leader.kill();
                assertFalse(ProcessHandle.of(leaderPid).map(ProcessHandle::isAlive).orElse(false), "killed by its PID");
                LocalEtcd next = cluster.awaitLeader(Duration.ofSeconds(10));
                assertNotEquals(leader.name(), next.name());
                assertEquals("v", cluster.etcdctl().getPrefix("/cluster/").get("/cluster/k").valueAsString(),
                        "a committed write survives its leader");

                leader.startAgain();
                pids.add(leader.pid());
                assertEquals("v", leader.etcdctl().getPrefix("/cluster/").get("/cluster/k").valueAsString());
            }
            assertTrue(pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)),
                    "close stops every member");
            assertFalse(Files.exists(clusterDir), "close removes the data and logs");
        } finally {
            EtcdExtension.deleteRecursively(dir);
        }
    }

    @Test
    void anEvenNumberOfMembersIsRefused() {
        Path dir = Path.of("/nonexistent");
        assertThrows(IllegalArgumentException.class, () -> LocalEtcdCluster.start(dir, 2));
        assertThrows(IllegalArgumentException.class, () -> LocalEtcdCluster.start(dir, 9));
    }
}
