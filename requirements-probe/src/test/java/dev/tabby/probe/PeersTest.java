package dev.tabby.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.FixtureHost;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * --peers: TCP 179 towards the other nodes of the datastore. The peers live on loopback addresses (127.0.0.2 listens,
 * 127.0.0.3 does not); nothing leaves this machine.
 */
class PeersTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @TempDir
    Path tmp;

    private static final String NODES = """
            apiVersion: projectcalico.org/v3
            kind: Node
            metadata: {name: node-a}
            spec: {bgp: {ipv4Address: 127.0.0.1/8}}
            ---
            apiVersion: projectcalico.org/v3
            kind: Node
            metadata: {name: node-b}
            spec: {bgp: {ipv4Address: 127.0.0.2/8}}
            ---
            apiVersion: projectcalico.org/v3
            kind: Node
            metadata: {name: node-c}
            spec: {bgp: {ipv4Address: 127.0.0.3/8}}
            ---
            apiVersion: projectcalico.org/v3
            kind: Node
            metadata: {name: node-d}
            spec: {}
            """;

    @Test
    void peersAnswerOrRefuseButNeverStaySilent() throws IOException {
        try (KeyValueStore kv = KeyValueStore.connect(ETCD.config())) {
            ResourceStore store = new ResourceStore(kv);
            for (Resource r : ResourceCodec.read(NODES).resources()) {
                store.create(r);
            }
        }
        FixtureHost h = FixtureHost.at(tmp.resolve("peers")).noSockets().capture("nft-list-ruleset", "");
        try (ServerSocket nodeB = new ServerSocket()) {
            nodeB.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 179));
            ProbeContext ctx = ProbeContext.builder(HostRoot.at(h.root())).peers(true).node("node-a")
                    .peerTimeout(Duration.ofMillis(500))
                    .env(Map.of("TABBY_ETCD_ENDPOINTS", ETCD.config().endpointsText())).build();

            Report r = new Probe().run(ctx, id -> id.equals("port-tcp-179"));

            CheckResult bgp = r.check("port-tcp-179").orElseThrow();
            assertEquals(Status.PASS, bgp.status(), bgp.observed());
            assertTrue(bgp.observed().endsWith("peers: node-b 127.0.0.2:179 answers, node-c 127.0.0.3:179 refused "
                    + "(the path is open; nothing listens there yet), node-d (no BGP address) skipped"), bgp.observed());
        }
    }
}
