package dev.tabby.testbed;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * GET on a node's own {@code 127.0.0.1:<port>}, from the host: each node's services listen on their standard ports on
 * the node namespace's loopback, as on a real node, so the socket is made inside that namespace (on a thread that
 * entered it) and then used from here.
 */
final class NamespaceHttp {
    record Response(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final ConcurrentHashMap<Path, NetnsThread> THREADS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tabby-testbed-http-watchdog");
        t.setDaemon(true);
        return t;
    });

    private NamespaceHttp() {
    }

    /** The response, or null when nothing answers (not running yet, or not listening). */
    static Response get(Path netns, int port, String path) {
        SocketChannel ch;
        try {
            ch = thread(netns).call(() -> {
                try {
                    return SocketChannel.open();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (ErrnoException | RuntimeException e) {
            return null;
        }
        // A hung service must not hang the status table: the channel is closed under a blocked read at the deadline.
        ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> close(ch), TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try (ch) {
            ch.connect(new InetSocketAddress("127.0.0.1", port));
            ch.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
            while (ch.read(buf) >= 0) {
                raw.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return parse(raw.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        } finally {
            deadline.cancel(false);
        }
    }

    private static Response parse(String text) throws SocketTimeoutException {
        int lineEnd = text.indexOf("\r\n");
        int bodyAt = text.indexOf("\r\n\r\n");
        if (lineEnd < 0 || bodyAt < 0) {
            throw new SocketTimeoutException("incomplete HTTP response");
        }
        String[] status = text.substring(0, lineEnd).split(" ");
        return new Response(status.length > 1 ? Integer.parseInt(status[1]) : 0, text.substring(bodyAt + 4));
    }

    private static NetnsThread thread(Path netns) {
        return THREADS.computeIfAbsent(netns, p -> {
            try {
                return NetnsThread.enter(p);
            } catch (ErrnoException e) {
                throw new IllegalStateException("cannot enter " + p + ": " + e.getMessage(), e);
            }
        });
    }

    /** Lets go of a namespace (before it is deleted): its thread would otherwise keep it alive. */
    static void forget(Path netns) {
        NetnsThread t = THREADS.remove(netns);
        if (t != null) {
            t.close();
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
