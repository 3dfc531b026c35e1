package dev.tabby.bgpspeaker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AffinityState;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The watcher against a real etcd: resources written with ResourceStore (and IPAM affinities as the IPAM writes
 * them) show up in the configuration handed to the consumer, and a value under a watched key that does not decode is
 * logged and ignored without stopping anything.
 */
class ConfigWatcherTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private KeyValueStore kv;
    private ResourceStore store;
    private ConfigWatcher watcher;
    private final List<NodeBgpConfig> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() {
        kv = KeyValueStore.connect(ETCD.config());
        store = new ResourceStore(kv);
        // The tests share this class's etcd: each starts from an empty datastore.
        kv.list("/calico/").entries().forEach(e -> kv.delete(e.key()));
    }

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
        kv.close();
    }

    @Test
    void theFirstCompleteSnapshotIsBuiltAtOnceNotAfterTheCoalescingWindow() throws Exception {
        for (Resource r : CalicoTestData.resources(CalicoTestData.MESH_COMMUNITIES)) {
            store.create(r);
        }
        // A window far longer than the wait: the start's configuration must not sit in it (readiness waits on it).
        watcher = new ConfigWatcher(kv, "kube-master", null, Duration.ofMinutes(5), seen::add).start();
        NodeBgpConfig first = await("first config", c -> true);
        assertEquals(List.of("Mesh_10_192_0_3", "Mesh_10_192_0_4"), names(first));
    }

    @Test
    void followsTheDatastoreAndIgnoresWhatDoesNotDecode() throws Exception {
        // mesh/communities of confd's tests, less kube-node-2 (added below), with one confirmed block for kube-master.
        for (Resource r : CalicoTestData.resources(CalicoTestData.MESH_COMMUNITIES)) {
            if (!r.name().equals("kube-node-2")) {
                store.create(r);
            }
        }
        kv.put(IpamKeys.affinity("kube-master", Cidr.parse("192.168.221.64/26")),
                IpamJson.encode(BlockAffinity.of(AffinityState.CONFIRMED)));
        // Another node's affinity is not under this node's prefix and must not show up.
        kv.put(IpamKeys.affinity("kube-node-1", Cidr.parse("192.168.7.0/26")),
                IpamJson.encode(BlockAffinity.of(AffinityState.CONFIRMED)));

        watcher = new ConfigWatcher(kv, "kube-master", null, Duration.ofMillis(50), seen::add).start();
        NodeBgpConfig first = await("first config", c -> c.peers().size() == 1);
        assertTrue(watcher.inSync());
        assertEquals(List.of("Mesh_10_192_0_3"), names(first));
        assertEquals(177, first.listenPort());
        assertEquals(List.of("192.168.221.64/26"), prefixes(first));

        // A third node joins: a second mesh session.
        store.create(CalicoTestData.resources(CalicoTestData.MESH_COMMUNITIES).stream()
                .filter(r -> r.name().equals("kube-node-2")).findFirst().orElseThrow());
        await("kube-node-2 in the mesh", c -> names(c).equals(List.of("Mesh_10_192_0_3", "Mesh_10_192_0_4")));

        // A borrowed address of a local workload goes out as a /32; another node's workload changes nothing.
        store.create(CalicoTestData.workload("kube-master", "borrowed", List.of("192.168.5.70/32"), null));
        await("borrowed /32", c -> prefixes(c).contains("192.168.5.70/32"));
        int before = seen.size();
        store.create(CalicoTestData.workload("kube-node-1", "elsewhere", List.of("192.168.7.1/32"), null));
        Thread.sleep(500); // ten coalescing windows: an unchanged configuration must not be handed over again
        assertEquals(before, seen.size(), "another node's workload changed nothing here");

        // Garbage under watched keys: a new BGPPeer key and this node's affinities. Logged, ignored, never fatal.
        kv.put(ResourceStore.prefix(Kind.BGP_PEER, null) + "broken", "{not json".getBytes(StandardCharsets.UTF_8));
        kv.put(IpamKeys.affinity("kube-master", Cidr.parse("192.168.9.0/26")),
                "[1,2".getBytes(StandardCharsets.UTF_8));
        // A later good change still arrives: a global BGPPeer.
        store.create(ResourceCodec.read("""
                kind: BGPPeer
                apiVersion: projectcalico.org/v3
                metadata:
                  name: tor
                spec:
                  peerIP: 10.192.0.254
                  asNumber: 64600
                """).resources().get(0));
        // An external peer: no "port" (the listen port is for peers that are Calico nodes), so BGP's 179.
        NodeBgpConfig withTor = await("global peer", c -> names(c).contains("Global_10_192_0_254"));
        assertEquals(179, withTor.peerConfigs().get(2).port());
        assertTrue(watcher.inSync());
        assertEquals(before + 1, seen.size(), "the bad values must not have changed the configuration");
        assertFalse(prefixes(withTor).contains("192.168.9.0/26"));
        assertEquals(List.of("192.168.5.70/32", "192.168.221.64/26"), prefixes(withTor));

        // A stored Node that no longer decodes counts as gone, as Calico's backend skips it: its session goes.
        kv.put(ResourceStore.prefix(Kind.NODE, null) + "kube-node-2", "{\"kind\":".getBytes(StandardCharsets.UTF_8));
        await("kube-node-2 gone", c -> !names(c).contains("Mesh_10_192_0_4"));
        assertTrue(watcher.inSync());

        // After close, nothing more is handed over.
        watcher.close();
        int closedAt = seen.size();
        store.create(ResourceCodec.read("""
                kind: BGPPeer
                apiVersion: projectcalico.org/v3
                metadata:
                  name: tor2
                spec:
                  peerIP: 10.192.0.253
                  asNumber: 64600
                """).resources().get(0));
        Thread.sleep(500); // the coalescing window is 50 ms: a call would have come by now
        assertEquals(closedAt, seen.size());
    }

    @Test
    void twoNodesOnOneEtcdEachGetTheirOwnConfiguration() {
        for (Resource r : CalicoTestData.resources(CalicoTestData.SPECIFIC_NODE)) {
            store.create(r);
        }
        List<NodeBgpConfig> other = new CopyOnWriteArrayList<>();
        watcher = new ConfigWatcher(kv, "kube-master", null, Duration.ofMillis(50), seen::add).start();
        try (ConfigWatcher node1 = new ConfigWatcher(kv, "kube-node-1", null, Duration.ofMillis(50), other::add).start()) {
            await("kube-master's peers", c -> names(c).equals(List.of("Node_10_192_0_3", "Node_10_192_0_4")));
            Instant deadline = Instant.now().plus(WAIT);
            while (other.isEmpty() && Instant.now().isBefore(deadline)) {
                sleep();
            }
            assertEquals(List.of("Node_10_192_0_2"), names(other.get(other.size() - 1)));
            assertTrue(node1.inSync());
        }
    }

    private NodeBgpConfig await(String what, Predicate<NodeBgpConfig> done) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!seen.isEmpty() && done.test(seen.get(seen.size() - 1))) {
                return seen.get(seen.size() - 1);
            }
            sleep();
        }
        throw new AssertionError("no config with " + what + " within " + WAIT + "; last: "
                + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1)));
    }

    private static void sleep() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static List<String> names(NodeBgpConfig c) {
        return c.peerConfigs().stream().map(PeerConfig::name).toList();
    }

    private static List<String> prefixes(NodeBgpConfig c) {
        return c.originations().stream().map(o -> o.prefix().address().getHostAddress() + "/" + o.prefix().length())
                .toList();
    }
}
