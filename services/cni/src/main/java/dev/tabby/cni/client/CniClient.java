package dev.tabby.cni.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java client behind {@code tabby-cni} and {@code tabby-ipam}: hands the environment and stdin to the node's CNI
 * daemon over its Unix socket, prints the daemon's reply and exits with its code. The installed launcher is a static
 * program doing the same without a JVM (src/main/c/tabby-cni-launch.c, kept in step with this class: the same
 * messages, limits and time-outs); it execs this class when no daemon listens. A JVM start is most of this program's
 * cost, so it loads nothing beyond the JDK and {@link Frames}.
 *
 * <p>When no daemon listens, the same handler runs in this process ({@code dev.tabby.cni.plugin.InProcess}, looked
 * up by name so the common path never loads it): correct, but it pays for a cold JVM and a fresh etcd connection.
 *
 * <p>A daemon that does not answer never hangs the runtime: the connection must be accepted within
 * {@value #CONNECT_TIMEOUT_SECONDS} s and the reply arrive within {@code TABBY_CNI_TIMEOUT} seconds (default
 * {@value #DEFAULT_TIMEOUT_SECONDS}); then the call fails with the spec's code 11 (try again later).
 *
 * <p>Arguments: the plugin name ({@code tabby-cni} or {@code tabby-ipam}). Environment: the CNI_* variables,
 * {@code TABBY_CNI_SOCKET} (default {@value #DEFAULT_SOCKET}) and {@code TABBY_CNI_TIMEOUT}.
 */
public final class CniClient {
    public static final String DEFAULT_SOCKET = "/run/tabby/cni.sock";
    public static final String SOCKET_VAR = "TABBY_CNI_SOCKET";
    /** Seconds the daemon has to reply to one call. */
    public static final String TIMEOUT_VAR = "TABBY_CNI_TIMEOUT";
    static final int DEFAULT_TIMEOUT_SECONDS = 120;
    /** A live daemon accepts at once (the kernel does, even while every worker is busy). */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** Set to 1 by the installer while it records the class-data-sharing archive: talk to a stand-in daemon. */
    static final String WARMUP_VAR = "TABBY_CNI_WARMUP";
    private static final Pattern CNI_VERSION = Pattern.compile("\"cniVersion\"\\s*:\\s*\"([^\"]{1,20})\"");
    private static final Pattern DEBUG_LEVEL = Pattern.compile("\"log_level\"\\s*:\\s*\"debug\"", Pattern.CASE_INSENSITIVE);

    private CniClient() {
    }

    public static void main(String[] args) throws IOException {
        String plugin = args.length > 0 ? args[0] : "tabby-cni";
        byte[] stdin = System.in.readAllBytes();
        Map<String, String> env = forwardedEnvironment(System.getenv());
        Frames.Request request = new Frames.Request(plugin, env, stdin);
        Frames.Reply reply;
        if ("1".equals(System.getenv(WARMUP_VAR))) {
            reply = warmup(request);
        } else {
            reply = call(socketPath(System.getenv()), request);
        }
        PrintStream out = System.out;
        out.write(reply.stdout());
        out.flush();
        System.err.write(reply.stderr());
        System.err.flush();
        System.exit(reply.exitCode());
    }

    /** The runtime's CNI_* variables and Tabby's own settings; nothing else of the caller's environment. */
    static Map<String, String> forwardedEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("CNI_") || k.startsWith("TABBY_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    static Path socketPath(Map<String, String> env) {
        String s = env.get(SOCKET_VAR);
        return Path.of(s == null || s.isBlank() ? DEFAULT_SOCKET : s);
    }

    /**
     * Asks the daemon at {@code socket}; runs the handler in this process when nothing listens there. The reply
     * timeout is the request's {@code TABBY_CNI_TIMEOUT} (the forwarded environment holds it).
     */
    public static Frames.Reply call(Path socket, Frames.Request request) {
        String rawTimeout = request.env().get(TIMEOUT_VAR);
        int timeout;
        try {
            timeout = rawTimeout == null || rawTimeout.isBlank() ? DEFAULT_TIMEOUT_SECONDS : Integer.parseInt(rawTimeout.trim());
        } catch (NumberFormatException e) {
            timeout = -1;
        }
        if (timeout <= 0) {
            return error(request, 4, TIMEOUT_VAR + "=" + rawTimeout + " is not a number of seconds; set it to e.g. "
                    + DEFAULT_TIMEOUT_SECONDS + " or unset it", null);
        }
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return error(request, 11, "cannot open a Unix socket to reach the Tabby CNI daemon", e.toString());
        }
        Watchdog watchdog = new Watchdog(channel, CONNECT_TIMEOUT_SECONDS);
        watchdog.start();
        try (SocketChannel ch = channel) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException notListening) {
                if (watchdog.fired()) {
                    return error(request, 11, "the Tabby CNI daemon at " + socket + " did not accept the connection within "
                            + CONNECT_TIMEOUT_SECONDS + " s; it may be hung or overloaded: check its log, restart it, and retry",
                            notListening.toString());
                }
                watchdog.finish();
                return inProcess(socket, request, notListening);
            }
            watchdog.extend(timeout);
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream(1024 + request.stdin().length);
                Frames.writeRequest(buf, request);
                ByteBuffer bytes = ByteBuffer.wrap(buf.toByteArray());
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.shutdownOutput();
                return Frames.readReply(new BufferedInputStream(Channels.newInputStream(ch), 16 * 1024));
            } catch (IOException e) {
                if (watchdog.fired()) {
                    // It may still do the work later; an ADD repeated by the runtime, or its DEL, is safe.
                    return error(request, 11, "the Tabby CNI daemon at " + socket + " did not reply within " + timeout
                            + " s (" + TIMEOUT_VAR + "); it may be hung or overloaded: check its log, restart it, or raise "
                            + TIMEOUT_VAR, e.toString());
                }
                // The daemon took the request and went away: it may have done part of the work, so running the
                // handler again here could do it twice. The runtime retries (ADD) or calls DEL, which is safe.
                return error(request, 11, "the Tabby CNI daemon at " + socket
                        + " closed the connection before replying; check its log and retry", e.toString());
            }
        } catch (IOException closing) {
            return error(request, 11, "error closing the connection to the Tabby CNI daemon at " + socket, closing.toString());
        } finally {
            watchdog.finish();
        }
    }

    /**
     * Closes the connection at its deadline, which ends a connect or a read blocked on it: the one way to put a
     * timeout on a blocking Unix socket channel. A class of its own rather than a lambda: this is the launcher's
     * start-up path, and a lambda's first use costs more than the class.
     */
    static final class Watchdog extends Thread {
        private final SocketChannel channel;
        private long deadline;
        private boolean done;
        private boolean fired;

        Watchdog(SocketChannel channel, int seconds) {
            super("tabby-cni-client-watchdog");
            setDaemon(true);
            this.channel = channel;
            this.deadline = System.nanoTime() + seconds * 1_000_000_000L;
        }

        /** A new deadline, {@code seconds} from now. */
        synchronized void extend(int seconds) {
            deadline = System.nanoTime() + seconds * 1_000_000_000L;
            notifyAll();
        }

        synchronized void finish() {
            done = true;
            notifyAll();
        }

        synchronized boolean fired() {
            return fired;
        }

        @Override
        public void run() {
            synchronized (this) {
                while (!done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fired = true;
                        break;
                    }
                    try {
                        wait(left / 1_000_000L + 1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!fired) {
                    return;
                }
            }
            try {
                channel.close();
            } catch (IOException e) {
                // closed is closed
            }
        }
    }

    private static Frames.Reply inProcess(Path socket, Frames.Request request, IOException why) {
        String note = isDebug(request)
                ? "tabby-cni: no daemon at " + socket + " (" + why.getMessage() + "); running in-process\n" : "";
        try {
            Class<?> handler = Class.forName("dev.tabby.cni.plugin.InProcess");
            Frames.Reply r = (Frames.Reply) handler.getMethod("run", Frames.Request.class).invoke(null, request);
            if (note.isEmpty()) {
                return r;
            }
            byte[] err = (note + r.stderrText()).getBytes(StandardCharsets.UTF_8);
            return new Frames.Reply(r.exitCode(), r.stdout(), err);
        } catch (ClassNotFoundException | LinkageError e) {
            return error(request, 11, "the Tabby CNI daemon is not listening at " + socket
                    + " and this launcher cannot run the plugin in-process (its libraries are missing: " + e
                    + "); start the daemon or rebuild Tabby", why.toString());
        } catch (InvocationTargetException e) {
            return error(request, 100, "the in-process Tabby CNI handler failed unexpectedly: " + e.getCause(), null);
        } catch (ReflectiveOperationException e) {
            return error(request, 100, "cannot start the in-process Tabby CNI handler: " + e, null);
        }
    }

    private static boolean isDebug(Frames.Request request) {
        if ("debug".equalsIgnoreCase(request.env().getOrDefault("TABBY_CNI_LOG_LEVEL", ""))) {
            return true;
        }
        return DEBUG_LEVEL.matcher(new String(request.stdin(), StandardCharsets.UTF_8)).find();
    }

    /** A CNI error result, written by hand: this class must not load a JSON library. */
    static Frames.Reply error(Frames.Request request, int code, String msg, String details) {
        Matcher m = CNI_VERSION.matcher(new String(request.stdin(), StandardCharsets.UTF_8));
        String version = m.find() ? m.group(1) : "1.0.0";
        StringBuilder json = new StringBuilder("{\"cniVersion\":\"").append(escape(version)).append("\",\"code\":")
                .append(code).append(",\"msg\":\"").append(escape(msg)).append('"');
        if (details != null) {
            json.append(",\"details\":\"").append(escape(details)).append('"');
        }
        json.append("}\n");
        return Frames.Reply.of(1, json.toString(), "");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * The whole client path against a stand-in daemon on a private socket, so that recording the class-data-sharing
     * archive ({@code -XX:ArchiveClassesAtExit}) captures exactly the classes a real call loads.
     */
    private static Frames.Reply warmup(Frames.Request request) throws IOException {
        Path dir = Files.createTempDirectory("tabby-cni-warmup");
        Path socket = dir.resolve("cni.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread standIn = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    Frames.Request got = Frames.readRequest(new BufferedInputStream(Channels.newInputStream(c)));
                    ByteArrayOutputStream buf = new ByteArrayOutputStream();
                    Frames.writeReply(buf, Frames.Reply.of(0, "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\""
                            + got.plugin() + "\"]}\n", ""));
                    ByteBuffer bytes = ByteBuffer.wrap(buf.toByteArray());
                    while (bytes.hasRemaining()) {
                        c.write(bytes);
                    }
                } catch (IOException e) {
                    // the client side reports it
                }
            }, "tabby-cni-warmup");
            standIn.start();
            Frames.Reply reply = call(socket, request);
            // Also load what an unreachable daemon costs (the error path), without running the in-process handler.
            error(request, 11, "warm-up", "warm-up");
            return Frames.Reply.of(reply.exitCode(), "", "");
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
