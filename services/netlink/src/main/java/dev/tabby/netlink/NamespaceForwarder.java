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
 * on this machine's loopback ({@link #start}), or processes here reach a server inside a namespace ({@link #into}).
 * A socket belongs to its creator's namespace: the socket on the namespace's side is made on a thread that has entered
 * it. Nothing is added to this machine's network.
 */
public final class NamespaceForwarder implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    /** Opens the upstream socket, in whichever namespace the upstream lives. */
    private interface Opener {
        SocketChannel open() throws IOException;
    }

    private final ServerSocketChannel server;
    private final InetSocketAddress upstream;
    private final Opener opener;
    private final Thread acceptor;

    private NamespaceForwarder(ServerSocketChannel server, InetSocketAddress upstream, Opener opener) {
        this.server = server;
        this.upstream = upstream;
        this.opener = opener;
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
        NamespaceForwarder f = new NamespaceForwarder(server, upstream, SocketChannel::open);
        f.acceptor.start();
        return f;
    }

    /**
     * Listens on {@code listen} here and forwards to {@code upstream} inside {@code netns}. One thread stays in the
     * namespace for the forwarder's life and makes every upstream socket there, so the namespace outlives it.
     */
    public static NamespaceForwarder into(InetSocketAddress listen, Path netns, InetSocketAddress upstream) throws IOException {
        NetnsThread inside;
        try {
            inside = NetnsThread.enter(netns);
        } catch (ErrnoException e) {
            throw new IOException("cannot enter " + netns + ": " + e.getMessage(), e);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(listen);
        NamespaceForwarder f = new NamespaceForwarder(server, upstream, () -> {
            try {
                return inside.call(() -> {
                    try {
                        return SocketChannel.open();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (ErrnoException | java.io.UncheckedIOException e) {
                throw new IOException("cannot open a socket in " + netns + ": " + e.getMessage(), e);
            }
        });
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
        try (client; SocketChannel up = opener.open()) {
            up.connect(upstream);
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
