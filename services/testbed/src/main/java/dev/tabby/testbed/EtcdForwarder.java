package dev.tabby.testbed;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the testbed's nodes reach etcd "over the network", as real nodes do: a TCP forwarder whose listening socket lives
 * in the underlay namespace (on the gateway address every node routes to) and whose upstream connections go to the etcd
 * on this machine's loopback. etcd itself and {@code bin/tabbyctl} on the host stay as they are.
 *
 * <p>A socket belongs to the network namespace of the thread that created it, so the listening socket is made on a
 * thread that has entered the underlay namespace; accepted connections stay there, whatever thread serves them.
 *
 * <p>Run: {@code EtcdForwarder NETNS_PATH LISTEN_ADDR:PORT ETCD_URL}. Part of the testbed, never of a node.
 */
public final class EtcdForwarder {
    private static final int BUFFER = 64 * 1024;

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
        ServerSocketChannel server;
        try (NetnsThread inUnderlay = NetnsThread.enter(netns)) {
            server = inUnderlay.call(() -> {
                try {
                    ServerSocketChannel s = ServerSocketChannel.open();
                    s.bind(listen);
                    return s;
                } catch (IOException e) {
                    throw new IllegalStateException("cannot listen on " + listen + " in " + netns + ": " + e.getMessage(), e);
                }
            });
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot enter " + netns + ": " + e.getMessage(), e);
        }
        System.out.println("event=etcd_forwarder_listening netns=" + netns + " listen=" + listen + " upstream=" + upstream);
        AtomicInteger n = new AtomicInteger();
        while (true) {
            SocketChannel client = server.accept();
            int id = n.incrementAndGet();
            Thread t = new Thread(() -> serve(client, upstream), "forward-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not ADDR:PORT");
        }
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }

    /** One connection: upstream opened in this (the host's) namespace, bytes pumped both ways until either side ends. */
    private static void serve(SocketChannel client, InetSocketAddress upstream) {
        try (client; SocketChannel etcd = SocketChannel.open(upstream)) {
            Thread back = new Thread(() -> pump(etcd, client), "forward-back");
            back.setDaemon(true);
            back.start();
            pump(client, etcd);
            back.join();
        } catch (IOException e) {
            // etcd is down: the client sees its connection closed, exactly as if etcd had refused it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (from.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // either side went away
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
            try {
                from.shutdownInput();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
