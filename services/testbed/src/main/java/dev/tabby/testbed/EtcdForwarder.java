package dev.tabby.testbed;

import dev.tabby.netlink.NamespaceForwarder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;

/**
 * How the testbed's nodes reach etcd "over the network", as real nodes do: a forwarder listening in the underlay
 * namespace on the gateway address every node routes to, relaying to the etcd on this machine's loopback. etcd itself
 * and {@code bin/tabbyctl} on the host stay as they are. Part of the testbed, never of a node.
 *
 * <p>Run: {@code EtcdForwarder NETNS_PATH LISTEN_ADDR:PORT ETCD_URL}; it runs until it is ended.
 */
public final class EtcdForwarder {
    private EtcdForwarder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EtcdForwarder NETNS_PATH LISTEN_ADDR:PORT ETCD_URL");
            System.exit(2);
        }
        Path netns = Path.of(args[0]);
        InetSocketAddress listen = hostPort(args[1]);
        URI etcd = URI.create(args[2]);
        InetSocketAddress upstream = new InetSocketAddress(etcd.getHost(), etcd.getPort() > 0 ? etcd.getPort() : 2379);
        NamespaceForwarder.start(netns, listen, upstream);
        System.out.println("event=etcd_forwarder_listening netns=" + netns + " listen=" + listen + " upstream=" + upstream);
        System.out.flush(); // the testbed waits for this line before the nodes first call etcd
        Thread.currentThread().join();
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not ADDR:PORT");
        }
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
}
