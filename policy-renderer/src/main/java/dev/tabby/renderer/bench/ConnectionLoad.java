package dev.tabby.renderer.bench;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import dev.tabby.netlink.raw.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The load: short TCP connections from the client workload to the server workload, each one connect, {@value #SIZE}
 * bytes, close, at a fixed rate (open loop: connection {@code i} is due at {@code i / rate} s; a worker that is late
 * starts the next at once, so a generator that cannot keep up shows as fewer completed than asked, never as a slower
 * schedule). The server, inside the server's namespace, reads each connection to its end and counts it: a connection
 * counts as completed when the server has read all its bytes and its close.
 *
 * <p>Each worker is a thread of this JVM that entered the client's namespace (setns is per thread), so its sockets
 * are the client's; the listening socket was made in the server's namespace and its accepted sockets stay there.
 */
final class ConnectionLoad implements AutoCloseable {
    static final int PORT = 7000;
    static final byte[] PAYLOAD = "tabby-bench-flow".getBytes(StandardCharsets.US_ASCII);
    static final int SIZE = 16;
    private static final int CONNECT_TIMEOUT_MS = 2000;
    /** Blocking connects overlap across workers: enough that one slow handshake never holds the schedule back. */
    private static final int CLIENT_WORKERS = 6;
    private static final int ACCEPTORS = 2;

    /**
     * One round's outcome.
     *
     * @param asked     connections the schedule called for
     * @param completed connections the server read to their end
     * @param failed    connects or writes that failed on the client
     * @param seconds   from the first connection's due time until the clients had made the last one
     * @param maxLagMs  how far behind the schedule the generator fell at worst
     */
    record Result(long asked, long completed, long failed, double seconds, double maxLagMs, String firstError) {
        double perSecond() {
            return seconds <= 0 ? 0 : completed / seconds;
        }
    }

    private final Path clientNs;
    private final InetSocketAddress server;
    private final ServerSocketChannel listener;
    private final List<Thread> acceptors = new ArrayList<>();
    private final AtomicLong served = new AtomicLong();
    private final AtomicReference<String> serverError = new AtomicReference<>();

    private ConnectionLoad(Path clientNs, InetSocketAddress server, ServerSocketChannel listener) {
        this.clientNs = clientNs;
        this.server = server;
        this.listener = listener;
    }

    /** Listens on {@code serverIp:PORT} inside {@code serverNs}; connections will come from {@code clientNs}. */
    static ConnectionLoad start(String clientNs, String serverNs, String serverIp) {
        InetSocketAddress address = new InetSocketAddress(serverIp, PORT);
        ServerSocketChannel listener;
        try (NetnsThread inside = NetnsThread.enter(Path.of("/run/netns", serverNs))) {
            listener = inside.call(() -> {
                try {
                    ServerSocketChannel s = ServerSocketChannel.open();
                    s.bind(address, 4096);
                    return s;
                } catch (IOException e) {
                    throw new IllegalStateException("cannot listen on " + address + " in " + serverNs + ": "
                            + e.getMessage(), e);
                }
            });
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot enter network namespace " + serverNs + ": " + e.getMessage(), e);
        }
        ConnectionLoad load = new ConnectionLoad(Path.of("/run/netns", clientNs), address, listener);
        for (int i = 0; i < ACCEPTORS; i++) {
            Thread t = new Thread(load::acceptLoop, "flows-bench-server-" + i);
            t.setDaemon(true);
            t.start();
            load.acceptors.add(t);
        }
        return load;
    }

    private void acceptLoop() {
        byte[] buf = new byte[256];
        while (listener.isOpen()) {
            try (Socket s = listener.socket().accept()) {
                s.setSoTimeout(CONNECT_TIMEOUT_MS);
                InputStream in = s.getInputStream();
                int got = 0;
                for (int n; (n = in.read(buf)) >= 0; ) {
                    got += n;
                }
                if (got == SIZE) {
                    served.incrementAndGet();
                } else {
                    serverError.compareAndSet(null, "a connection brought " + got + " bytes, not " + SIZE);
                }
            } catch (IOException e) {
                if (listener.isOpen()) {
                    serverError.compareAndSet(null, e.toString());
                }
            }
        }
    }

    /** Connections the server has read to their end so far. */
    long served() {
        return served.get();
    }

    /** Runs {@code rate} connections a second for {@code seconds}; returns when every worker is done. */
    Result run(int rate, int seconds) {
        long total = (long) rate * seconds;
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong maxLag = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long servedBefore = served.get();
        long start = System.nanoTime() + 50_000_000L; // every worker in its namespace before the first is due
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < CLIENT_WORKERS; w++) {
            Thread t = new Thread(() -> {
                enter(clientNs);
                long lag = 0;
                for (long i; (i = next.getAndIncrement()) < total; ) {
                    long due = start + (long) (i * 1e9 / rate);
                    long now = System.nanoTime();
                    if (due > now) {
                        LockSupport.parkNanos(due - now);
                    } else {
                        lag = Math.max(lag, now - due);
                    }
                    try (Socket s = new Socket()) {
                        s.connect(server, CONNECT_TIMEOUT_MS);
                        s.getOutputStream().write(PAYLOAD);
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e.toString());
                    }
                }
                long l = lag;
                maxLag.accumulateAndGet(l, Math::max);
            }, "flows-bench-client-" + w);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            join(t);
        }
        double took = (System.nanoTime() - start) / 1e9;
        // The last connections' bytes and closes are in flight when the clients return: the server gets a moment.
        long asked = total;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (served.get() - servedBefore + failed.get() < asked && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        String error = firstError.get() != null ? firstError.get() : serverError.getAndSet(null);
        return new Result(asked, served.get() - servedBefore, failed.get(), took, maxLag.get() / 1e6, error);
    }

    private static void enter(Path ns) {
        try {
            int fd = Sys.openNamespace(ns.toString());
            try {
                if (Sys.libc().setns(fd, Sys.CLONE_NEWNET) < 0) {
                    throw new ErrnoException(Sys.errno(), "setns(" + ns + ")");
                }
            } finally {
                Sys.close(fd);
            }
        } catch (ErrnoException e) {
            throw new IllegalStateException("a load worker cannot enter " + ns + ": " + e.getMessage(), e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the load ran", e);
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing a listener fails only when already closed
        }
        acceptors.forEach(ConnectionLoad::join);
    }
}
