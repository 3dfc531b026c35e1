package dev.tabby.cni.daemon;

import dev.tabby.cni.client.CniClient;
import dev.tabby.cni.client.Frames;
import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.plugin.LogSetup;
import dev.tabby.cni.plugin.PluginContext;
import dev.tabby.cni.plugin.PluginHandler;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.status.NodeName;
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
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import org.jboss.logging.Logger;

/**
 * The node-local CNI daemon: a long-lived JVM that runs the plugins for the launcher clients, with warm code and warm
 * etcd connections, so an ADD costs the client's start plus the work itself. It runs in the node's own network
 * namespace. It listens on a Unix socket of mode 0600 (born so: the umask is narrowed around bind) in a directory it
 * makes 0700, and serves only callers of its own user (SO_PEERCRED; root in production, as runtimes run plugins as
 * root). One connection carries one call.
 *
 * <p>Run: {@code bin/tabby cni daemon [--socket PATH]}; see {@link #USAGE}.
 */
public final class CniDaemon implements AutoCloseable {
    static {
        // Before the first logger exists: jboss-logging picks its backend once.
        LogSetup.configure(System.getenv("TABBY_CNI_LOG_LEVEL"), "info");
    }

    private static final Logger LOG = Logger.getLogger(CniDaemon.class);
    /** Calls served at once; more wait in line. */
    private static final int WORKERS = 32;
    /** A call thread idle this long ends: a burst of pod starts grows the pool, a quiet node keeps none. */
    private static final long IDLE_WORKER_MILLIS = 10_000;
    /** umask while binding: the socket file is created 0600 (0777 & ~0177). */
    private static final int BIND_UMASK = 0177;

    static final String USAGE = """
            usage: bin/tabby cni daemon [--socket PATH]
                   java -cp ... dev.tabby.cni.daemon.CniDaemon [--socket PATH]

            The node-local Tabby CNI daemon, in the foreground. The tabby-cni and tabby-ipam launchers hand their calls
            to it over a Unix socket; without it they run the plugin in-process (correct, but slower). Run it as root
            in the node's network namespace; it serves only callers of its own user.

              --socket PATH   where to listen (mode 0600; a missing directory is made 0700)
              -h, --help      this text

            Environment:
              TABBY_CNI_SOCKET      the socket when --socket is not given (default /run/tabby/cni.sock)
              TABBY_CNI_LOG_LEVEL   debug, info, warning or error (default info); logs go to stderr
              TABBY_NODENAME        the node's name when the network configuration gives none (default: host name)
                                    and the node its events name
              TABBY_CNI_HTTP_PORT   where GET /v1/events serves the daemon's events (Server-Sent Events) on
                                    127.0.0.1 (default 9185; 0: not served)
              TABBY_KAFKA_BOOTSTRAP Kafka's bootstrap servers: the events also go to topic tabby.events
              TABBY_ETCD_ENDPOINTS, TABBY_ETCD_CA_FILE, TABBY_ETCD_CERT_FILE, TABBY_ETCD_KEY_FILE,
              TABBY_ETCD_USERNAME, TABBY_ETCD_PASSWORD
                                    where etcd is; the network configuration's etcd_* keys override them per call
            """;

    private final Path socket;
    private final PluginHandler handler;
    private final UserPrincipal owner;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    private CniDaemon(Path socket, PluginHandler handler) throws IOException {
        this.socket = socket;
        this.handler = handler;
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            // Only root reaches into it, as into /run/tabby; a directory that exists is left as its owner made it.
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        removeStaleSocket(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            bindPrivately(server, socket);
            // Belt and braces: the umask already made it so.
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            this.owner = Files.getOwner(socket);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = CallPool.create(WORKERS, IDLE_WORKER_MILLIS, r -> {
            Thread t = new Thread(r, "tabby-cni-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "tabby-cni-accept");
        acceptor.setDaemon(true);
    }

    /** Binds with the umask narrowed, so the socket file never exists with a mode wider than 0600. */
    private static void bindPrivately(ServerSocketChannel server, Path socket) throws IOException {
        int previous = Umask.set(BIND_UMASK);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("cannot listen on " + socket + ": " + e.getMessage()
                    + "; run the daemon as root or choose a writable place with --socket", e);
        } finally {
            Umask.set(previous);
        }
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
            UserPrincipal peer = peerUser(c);
            Frames.Request request;
            try {
                request = Frames.readRequest(new BufferedInputStream(Channels.newInputStream(c), 16 * 1024));
            } catch (IOException e) {
                LOG.warnf("event=cni_daemon_bad_request peer_user=%s problem=\"%s\"", peer == null ? "?" : peer.getName(),
                        e.getMessage());
                return;
            }
            Frames.Reply reply;
            try {
                reply = owner.equals(peer) ? handler.handle(request) : refuse(request, peer);
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

    /** The calling process's user (SO_PEERCRED), or null when the kernel does not say. */
    private static UserPrincipal peerUser(SocketChannel c) {
        try {
            return c.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warnf("event=cni_daemon_peer_unknown problem=\"%s\"", e.getMessage());
            return null;
        }
    }

    /** A caller of another user: its environment and configuration cannot be trusted with the node's network. */
    private Frames.Reply refuse(Frames.Request request, UserPrincipal peer) {
        String who = peer == null ? "an unknown user" : "user " + peer.getName();
        LOG.warnf("event=cni_daemon_peer_refused peer_user=%s daemon_user=%s plugin=%s command=%s socket=%s",
                peer == null ? "?" : peer.getName(), owner.getName(), request.plugin(), request.env().get("CNI_COMMAND"), socket);
        CniError e = new CniError(CniError.INVALID_ENVIRONMENT, "the Tabby CNI daemon at " + socket + " serves only user "
                + owner.getName() + ", and this plugin runs as " + who + "; run CNI plugins as " + owner.getName()
                + " (container runtimes run them as root)");
        return Frames.Reply.of(1, CniResult.errorJson(NetConf.versionOrDefault(request.stdin()), e), "");
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
        Path socket;
        try {
            socket = socketFrom(args, env);
            DaemonEvents.port(env);
        } catch (IllegalArgumentException e) {
            System.err.println("tabby cni daemon: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (socket == null) {
            System.out.print(USAGE);
            return;
        }
        Datastores datastores = new Datastores();
        DaemonEvents events = new DaemonEvents(NodeName.resolve(env));
        PluginContext context = new PluginContext(datastores, env);
        Plugins plugins = new Plugins(context.withEvents(events.sink()));
        CniDaemon daemon;
        try {
            daemon = start(socket, plugins);
        } catch (IOException | RuntimeException | LinkageError e) {
            datastores.close();
            System.err.println("tabby cni daemon: " + oneLine(e));
            System.exit(1);
            return;
        }
        LOG.infof("event=cni_daemon_defaults nodename=%s etcd_endpoints=%s (the network configuration overrides each)",
                env.getOrDefault("TABBY_NODENAME", "-"), env.getOrDefault(EtcdConfig.ENDPOINTS_VAR, EtcdConfig.DEFAULT_ENDPOINT));
        events.start(env);
        // The warm-up's own ADD fails on purpose: it is no workload's, so it reports no event.
        Thread warm = new Thread(() -> warmUp(new Plugins(context), datastores, env), "tabby-cni-warm-up");
        warm.setDaemon(true);
        warm.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            events.close();
            datastores.close();
        }, "tabby-cni-shutdown"));
        Thread.currentThread().join();
    }

    /** The socket from {@code --socket PATH} (or a bare PATH), else TABBY_CNI_SOCKET, else the default; null: help. */
    static Path socketFrom(String[] args, Map<String, String> env) {
        String socket = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            } else if (a.equals("--socket")) {
                if (i + 1 >= args.length || args[i + 1].isBlank()) {
                    throw new IllegalArgumentException("--socket needs a path");
                }
                socket = args[++i];
            } else if (a.startsWith("--socket=")) {
                socket = a.substring("--socket=".length());
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + a);
            } else if (socket == null) {
                socket = a; // the older form: the socket as the only argument
            } else {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
        }
        if (socket == null || socket.isBlank()) {
            String fromEnv = env.get(CniClient.SOCKET_VAR);
            socket = fromEnv == null || fromEnv.isBlank() ? CniClient.DEFAULT_SOCKET : fromEnv;
        }
        return Path.of(socket);
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                ? "cannot create " + fs.getFile() + ": " + fs.getReason()
                : e instanceof java.nio.file.FileAlreadyExistsException fe ? "cannot create " + fe.getFile() + ": it exists and is not a directory"
                : e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
