package dev.tabby.probe.checks;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceList;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.probe.ProbeContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code --peers}: a TCP connect from here to port 179 of every other node's BGP address in the datastore. An answer
 * (accepted or refused) proves the path is open; silence means something drops it on the way.
 */
final class PeerProbe {
    record Outcome(String observed, boolean blocked, boolean problem) {
    }

    private record Peer(String node, String address) {
    }

    private PeerProbe() {
    }

    static Outcome probe(ProbeContext ctx, int port) {
        List<Peer> peers = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (KeyValueStore kv = KeyValueStore.connect(DatastoreCheck.probeConfig(ctx))) {
            ResourceList nodes = new ResourceStore(kv).list(Kind.NODE, null);
            for (Resource r : nodes.items()) {
                if (!(r instanceof Node n) || n.name().equals(ctx.node())) {
                    continue;
                }
                String address = n.spec() == null || n.spec().bgp() == null ? null
                        : n.spec().bgp().ipv4Address() != null ? n.spec().bgp().ipv4Address() : n.spec().bgp().ipv6Address();
                if (address == null) {
                    skipped.add(n.name() + " (no BGP address)");
                } else {
                    peers.add(new Peer(n.name(), address.contains("/") ? address.substring(0, address.indexOf('/')) : address));
                }
            }
        } catch (DatastoreException | IllegalArgumentException e) {
            return new Outcome("peers: cannot list the nodes: " + e.getMessage(), false, true);
        }
        if (peers.isEmpty()) {
            return new Outcome("peers: no other node with a BGP address in the datastore"
                    + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped)), false, false);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(16, peers.size()), r -> {
            Thread t = new Thread(r, "tabby-probe-peer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<String>> results = new ArrayList<>();
            for (Peer p : peers) {
                results.add(CompletableFuture.supplyAsync(() -> connect(p, port, (int) ctx.peerTimeout().toMillis()), pool));
            }
            List<String> lines = new ArrayList<>();
            boolean blocked = false;
            for (CompletableFuture<String> f : results) {
                String line = f.join();
                blocked |= line.contains("no answer") || line.contains("unreachable");
                lines.add(line);
            }
            lines.addAll(skipped.stream().map(s -> s + " skipped").toList());
            return new Outcome("peers: " + String.join(", ", lines), blocked, false);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String connect(Peer p, int port, int timeoutMillis) {
        String target = p.node + " " + (p.address.contains(":") ? "[" + p.address + "]" : p.address) + ":" + port;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(p.address, port), timeoutMillis);
            return target + " answers";
        } catch (ConnectException e) {
            String m = String.valueOf(e.getMessage());
            return m.contains("refused") ? target + " refused (the path is open; nothing listens there yet)"
                    : target + " unreachable (" + m + ")";
        } catch (SocketTimeoutException e) {
            return target + " no answer within " + timeoutMillis + " ms";
        } catch (IOException | RuntimeException e) {
            return target + " unreachable (" + e.getMessage() + ")";
        }
    }
}
