package dev.tabby.testbed;

import dev.tabby.netlink.NamespaceForwarder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * With {@code --etcd-members N} the cluster's etcd members live in namespaces of their own on the underlay, which
 * this host has no route to. So that {@code bin/tabbyctl} (and the testbed itself) reach them from the host, this
 * forwards one 127.0.0.1 port per member into that member's namespace: the listening socket is the host's, each
 * upstream socket is made inside the member's namespace (a socket belongs to its creator's namespace). Nothing is
 * added to this machine's network. Part of the testbed, never of a node.
 *
 * <p>Run: {@code EtcdHostForwarder PORT=NETNS_PATH=ADDR:PORT...}; it runs until it is ended.
 */
public final class EtcdHostForwarder {
    private EtcdHostForwarder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: EtcdHostForwarder LOCAL_PORT=NETNS_PATH=MEMBER_ADDR:PORT...");
            System.exit(2);
        }
        for (String arg : args) {
            String[] parts = arg.split("=", 3);
            if (parts.length != 3) {
                throw new IllegalArgumentException("\"" + arg + "\" is not LOCAL_PORT=NETNS_PATH=MEMBER_ADDR:PORT");
            }
            InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(parts[0]));
            // Its namespace thread holds the member's namespace: this process must end before bin/tabby down deletes it.
            NamespaceForwarder.into(listen, Path.of(parts[1]), EtcdForwarder.hostPort(parts[2]));
            System.out.println("event=etcd_host_forwarder_listening listen=" + listen + " netns=" + parts[1] + " upstream="
                    + parts[2]);
        }
        System.out.flush(); // the testbed waits for these lines before it first calls etcd
        Thread.currentThread().join();
    }
}
