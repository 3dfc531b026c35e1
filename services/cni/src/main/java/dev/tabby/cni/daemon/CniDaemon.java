package dev.tabby.cni.daemon;

import dev.tabby.cni.client.CniClient;
import dev.tabby.cni.client.Frames;
import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.plugin.LogSetup;
import dev.tabby.cni.plugin.PluginContext;
import dev.tabby.cni.plugin.PluginHandler;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.datastore.EtcdConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The node-local CNI daemon: a long-lived JVM that runs the plugins for the launcher clients, with warm code and warm
 * etcd connections, so an ADD costs the client's start plus the work itself. It listens on a Unix socket readable
 * by root only (the runtime runs plugins as root); one connection carries one call.
 *
 * <p>Run: {@code java -cp ... dev.tabby.cni.daemon.CniDaemon [SOCKET]}. Environment: {@code TABBY_CNI_SOCKET}
 * (default {@value CniClient#DEFAULT_SOCKET}), {@code TABBY_CNI_LOG_LEVEL} (debug, info, warning; default info),
 * {@code TABBY_NODENAME}, {@code TABBY_CNI_HOST_NETNS}, and the {@code TABBY_ETCD_*} variables, which the network
 * configuration's {@code etcd_*} keys override per call.
 */
public final class CniDaemon implements AutoCloseable {
    static {
        // Before the first logger exists: jboss-logging picks its backend once.
        LogSetup.configure(System.getenv("TABBY_CNI_LOG_LEVEL"), "info");
    }

    private static final Logger LOG = Logger.getLogger(CniDaemon.class);
    private static final int WORKERS = 32;

    private final Path socket;
    private final PluginHandler handler;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private CniDaemon(Path socket, PluginHandler handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        Files.createDirectories(socket.toAbsolutePath().getParent());
        removeStaleSocket(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(WORKERS, r -> {
            Thread t = new Thread(r, "tabby-cni-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "tabby-cni-accept");
        acceptor.setDaemon(true);
    }

    /** Binds {@code socket} and serves {@code handler} until closed. */
    public static CniDaemon start(Path socket, PluginHandler handler) throws IOException {
        CniDaemon d = new CniDaemon(socket, handler);
        d.acceptor.start();
        LOG.infof("event=cni_daemon_listening socket=%s", socket);
        return d;
    }

    public Path socket() {
        return socket;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warnf("event=cni_daemon_accept_failed problem=\"%s\"", e.getMessage());
                }
                continue;
            }
            workers.execute(() -> serve(c));
        }
    }

    private void serve(SocketChannel c) {
        inFlight.incrementAndGet();
        try (c) {
            Frames.Request request;
            try {
                request = Frames.readRequest(new BufferedInputStream(Channels.newInputStream(c), 16 * 1024));
            } catch (IOException e) {
                LOG.warnf("event=cni_daemon_bad_request problem=\"%s\"", e.getMessage());
                return;
            }
            Frames.Reply reply;
            try {
                reply = handler.handle(request);
            } catch (RuntimeException | Error e) {
                // Handlers turn failures into CNI errors themselves; this is the last line of defence.
                LOG.errorf(e, "event=cni_daemon_handler_crashed plugin=%s", request.plugin());
                reply = Frames.Reply.of(1, "{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"the Tabby CNI daemon failed: "
                        + e.toString().replace("\\", "\\\\").replace("\"", "'") + "\"}\n", "");
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream(reply.stdout().length + reply.stderr().length + 32);
            Frames.writeReply(buf, reply);
            ByteBuffer bytes = ByteBuffer.wrap(buf.toByteArray());
            while (bytes.hasRemaining()) {
                c.write(bytes);
            }
        } catch (IOException e) {
            LOG.warnf("event=cni_daemon_reply_failed problem=\"%s\"", e.getMessage());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** A socket file nobody answers on is a crashed daemon's; one that answers means a daemon already runs. */
    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket)) {
            return;
        }
        boolean answered;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            answered = true;
        } catch (IOException refused) {
            answered = false;
        }
        if (answered) {
            throw new IOException("another Tabby CNI daemon already listens on " + socket + "; stop it first");
        }
        Files.deleteIfExists(socket);
    }

    /** Stops accepting, lets calls in flight finish (up to 30 s), removes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warnf("event=cni_daemon_stop_timeout in_flight=%d", inFlight.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the next start removes it
        }
        LOG.infof("event=cni_daemon_stopped socket=%s", socket);
    }

    /**
     * Runs the handler code once (a VERSION, and an ADD that stops at its first check) and, when TABBY_ETCD_ENDPOINTS
     * names an etcd, opens that connection, so the first real call costs what the others do. Runs beside the
     * listening daemon: a call that arrives meanwhile is served, only a little slower.
     */
    static void warmUp(PluginHandler handler, Datastores datastores, Map<String, String> env) {
        byte[] conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"warm-up\",\"type\":\"tabby\",\"ipam\":{\"type\":\"tabby-ipam\"}}"
                .getBytes(StandardCharsets.UTF_8);
        handler.handle(new Frames.Request(Plugins.CNI, Map.of("CNI_COMMAND", "VERSION"), conf));
        handler.handle(new Frames.Request(Plugins.CNI, Map.of("CNI_COMMAND", "ADD"), conf));
        CniResult.fromJson("{\"ips\":[{\"address\":\"10.0.0.1/32\"}]}".getBytes(StandardCharsets.UTF_8));
        if (env.get(EtcdConfig.ENDPOINTS_VAR) == null) {
            return;
        }
        try {
            datastores.get(EtcdConfig.fromEnvironment(env)).kv().currentRevision();
        } catch (RuntimeException e) {
            LOG.infof("event=cni_daemon_etcd_not_yet_reachable problem=\"%s\"", e.getMessage());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path socket = args.length > 0 ? Path.of(args[0]) : Path.of(env.getOrDefault(CniClient.SOCKET_VAR, CniClient.DEFAULT_SOCKET));
        Datastores datastores = new Datastores();
        Plugins plugins = new Plugins(new PluginContext(datastores, env));
        CniDaemon daemon = start(socket, plugins);
        LOG.infof("event=cni_daemon_defaults nodename=%s host_netns=%s etcd_endpoints=%s (the network configuration overrides each)",
                env.getOrDefault("TABBY_NODENAME", "-"), env.getOrDefault(PluginContext.HOST_NETNS_VAR, "-"),
                env.getOrDefault(EtcdConfig.ENDPOINTS_VAR, EtcdConfig.DEFAULT_ENDPOINT));
        Thread warm = new Thread(() -> warmUp(plugins, datastores, env), "tabby-cni-warm-up");
        warm.setDaemon(true);
        warm.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            datastores.close();
        }, "tabby-cni-shutdown"));
        Thread.currentThread().join();
    }
}
