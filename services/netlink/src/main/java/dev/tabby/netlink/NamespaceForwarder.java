package dev.tabby.netlink;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * For benchmarks, tests and the testbed, never a node: lets processes inside a network namespace reach a server (etcd)
 * on this machine's loopback. The listening socket is made on a thread that has entered the namespace (a socket
 * belongs to its creator's namespace), on an address of that namespace; each connection is carried to the upstream
 * from this process's own namespace. Nothing is added to this machine's network.
 */
public final class NamespaceForwarder implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final ServerSocketChannel server;
    private final InetSocketAddress upstream;
    private final Thread acceptor;

    private NamespaceForwarder(ServerSocketChannel server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
        this.acceptor = new Thread(this::acceptLoop, "tabby-forward-accept");
        acceptor.setDaemon(true);
    }

    /** Listens on 127.0.0.1 in {@code netns} (whose loopback must be up), a free port, and forwards to {@code upstream}. */
    public static NamespaceForwarder start(Path netns, InetSocketAddress upstream) throws IOException {
        return start(netns, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), upstream);
    }

    /** Listens on {@code listen} (an address of {@code netns}) and forwards to {@code upstream}. */
    public static NamespaceForwarder start(Path netns, InetSocketAddress listen, InetSocketAddress upstream) throws IOException {
        ServerSocketChannel server;
        try (NetnsThread inside = NetnsThread.enter(netns)) {
            server = inside.call(() -> {
                try {
                    ServerSocketChannel s = ServerSocketChannel.open();
                    s.bind(listen);
                    return s;
                } catch (IOException e) {
                    throw new IllegalStateException("cannot listen on " + listen + " in " + netns + ": " + e.getMessage(), e);
                }
            });
        } catch (ErrnoException e) {
            throw new IOException("cannot enter " + netns + ": " + e.getMessage(), e);
        }
        NamespaceForwarder f = new NamespaceForwarder(server, upstream);
        f.acceptor.start();
        return f;
    }

    /** {@code http://127.0.0.1:PORT}: the upstream, as seen from inside the namespace. */
    public String endpoint() throws IOException {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread t = new Thread(() -> serve(client), "tabby-forward");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel client) {
        try (client; SocketChannel up = SocketChannel.open(upstream)) {
            // gRPC writes small frames and waits for answers: Nagle's algorithm here would hold each one back for
            // the peer's delayed ACK (tens of milliseconds per call), as the ends themselves never do.
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            up.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Thread back = new Thread(() -> pump(up, client), "tabby-forward-back");
            back.setDaemon(true);
            back.start();
            pump(client, up);
            back.join();
        } catch (IOException e) {
            // upstream down: the client sees its connection closed, as if refused
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
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
