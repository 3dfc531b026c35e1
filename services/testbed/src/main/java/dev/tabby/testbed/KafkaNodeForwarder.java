package dev.tabby.testbed;

import dev.tabby.netlink.NamespaceForwarder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * How the testbed's nodes reach its Kafka broker ({@code bin/tabby up --kafka}): in each node's namespace, a listener on
 * {@code 127.0.0.1:PORT} relaying to the broker on this host's {@code 127.0.0.1:PORT}. The broker advertises
 * {@code 127.0.0.1:PORT}, so the same address works for the nodes' services and for {@code tabbyctl} on the host:
 * Kafka clients connect to the advertised address after the bootstrap, which a forwarder on another address would
 * break. Part of the testbed, never of a node.
 *
 * <p>Run: {@code KafkaNodeForwarder PORT NETNS_PATH...}; it runs until it is ended (before the namespaces are deleted:
 * its threads hold them).
 */
public final class KafkaNodeForwarder {
    private KafkaNodeForwarder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaNodeForwarder PORT NETNS_PATH...");
            System.exit(2);
        }
        InetSocketAddress broker = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        for (int i = 1; i < args.length; i++) {
            NamespaceForwarder.start(Path.of(args[i]), broker, broker);
            System.out.println("event=kafka_node_forwarder_listening netns=" + args[i] + " listen=" + broker + " upstream=" + broker);
        }
        System.out.flush(); // the testbed waits for these lines before the nodes' services start
        Thread.currentThread().join();
    }
}
