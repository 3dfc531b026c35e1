package dev.tabby.vxlan.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every in-process cluster test shares: a real etcd for the class, namespaces made (and removed) per test, one
 * connection, and a {@link TestCluster} whose agents are stopped after each test.
 */
public abstract class ClusterTestCase {
    @RegisterExtension
    protected static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    protected final NamespaceExtension netns = new NamespaceExtension();

    protected static KeyValueStore kv;
    protected TestCluster cluster;

    @BeforeAll
    static void connect() {
        assumeTrue("root".equals(System.getProperty("user.name")), "namespaces need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ping")) || Files.isExecutable(Path.of("/bin/ping")),
                "the traffic checks need ping (Debian package iputils-ping)");
        kv = KeyValueStore.connect(ETCD.config());
    }

    @AfterAll
    static void disconnect() {
        if (kv != null) {
            kv.close();
            kv = null;
        }
    }

    @AfterEach
    void stopAgents() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
