package dev.tabby.datastore.local;

import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A single-member etcd run as a child process on free 127.0.0.1 ports, for tests, the testbed
 * and benchmarks. The ports are picked once, so {@link #restart()} brings etcd back at the same
 * endpoint with the same data. Processes are only ever ended through their own PID; a JVM
 * shutdown hook kills a still-running child so a crashed test run leaves nothing behind.
 */
public final class LocalEtcd implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEtcd.class);
    private static final Path DEFAULT_ETCD = Path.of("/usr/bin/etcd");
    private static final Path DEFAULT_ETCDCTL = Path.of("/usr/bin/etcdctl");
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int PORT_ATTEMPTS = 5;

    private final Path dataDir;
    private final Path logFile;
    private final Path etcdBinary;
    private final Path etcdctlBinary;
    private final Optional<EtcdTlsFiles> tls;
    private final Duration startTimeout;
    private final String name;
    private final Optional<Membership> membership;
    private final int heartbeatMillis;
    private final int electionMillis;
    private int clientPort;
    private int peerPort;
    private Process process;
    private Thread shutdownHook;
    private volatile Optional<String> credentials = Optional.empty();

    private LocalEtcd(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.logFile = b.logFile != null ? b.logFile : dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.etcdBinary = b.etcdBinary;
        this.etcdctlBinary = b.etcdctlBinary;
        this.tls = Optional.ofNullable(b.tls);
        this.startTimeout = b.startTimeout;
        this.name = b.name;
        this.membership = Optional.ofNullable(b.membership);
        this.heartbeatMillis = b.heartbeatMillis;
        this.electionMillis = b.electionMillis;
        membership.ifPresent(m -> {
            clientPort = m.clientPort();
            peerPort = m.peerPort();
        });
    }

    /**
     * This etcd as one member of a cluster ({@link LocalEtcdCluster}): its ports are chosen by the cluster, since
     * every member's {@code --initial-cluster} names every peer URL before any member starts.
     *
     * @param initialCluster etcd's {@code --initial-cluster}: {@code name=http://127.0.0.1:peerPort,...}
     * @param clusterToken etcd's {@code --initial-cluster-token}, one per cluster so members of two clusters never join
     */
    record Membership(int clientPort, int peerPort, String initialCluster, String clusterToken) {
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Starts a plain-http etcd with its data in {@code dataDir}. */
    public static LocalEtcd start(Path dataDir) {
        return builder(dataDir).start();
    }

    /** The client URL, e.g. http://127.0.0.1:41234. */
    public synchronized URI endpoint() {
        return URI.create((tls.isPresent() ? "https" : "http") + "://127.0.0.1:" + clientPort);
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("etcd is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The member name ({@code --name}). */
    public String name() {
        return name;
    }

    public synchronized int peerPort() {
        return peerPort;
    }

    public Optional<EtcdTlsFiles> tls() {
        return tls;
    }

    /**
     * Settings for a client of this etcd: its endpoint and, under TLS, its CA plus the client
     * certificate if one was provided.
     */
    public EtcdConfig clientConfig() {
        EtcdConfig plain = EtcdConfig.plain(endpoint());
        return tls.map(t -> plain.withTls(t.ca(), t.clientCert().orElse(null), t.clientKey().orElse(null)))
                .orElse(plain);
    }

    /** etcdctl bound to this etcd (endpoint and TLS files). */
    public Etcdctl etcdctl() {
        return new Etcdctl(etcdctlBinary, endpoint(), tls, credentials);
    }

    /**
     * Once a test has enabled etcd authentication, {@link #etcdctl()} and the health check of
     * {@link #restart()} must log in; tell them how.
     */
    public void useCredentials(String user, String password) {
        credentials = Optional.of(user + ":" + password);
    }

    /** Graceful stop: SIGTERM to our etcd's PID, SIGKILL if it has not exited after 5 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LOG.infof("event=etcd_stopped pid=%d endpoint=%s", process.pid(), endpoint());
        forgetProcess();
    }

    /** Crash: SIGKILL to our etcd's PID, no chance to flush or say goodbye to clients. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.infof("event=etcd_killed pid=%d endpoint=%s", process.pid(), endpoint());
        forgetProcess();
    }

    /** Stops (if running) and starts again on the same ports with the same data dir. */
    public synchronized void restart() {
        stop();
        launchAndWait();
    }

    /** Starts again after {@link #stop()} or {@link #kill()}; same ports, same data. */
    public synchronized void startAgain() {
        if (isRunning()) {
            throw new IllegalStateException("etcd is already running at " + endpoint());
        }
        launchAndWait();
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * A cluster member's first start: its process is launched but not waited for, since a member alone has no
     * quorum and cannot answer a health check until enough of its peers run ({@link #awaitHealthy()}).
     */
    synchronized void launch() {
        try {
            Files.createDirectories(dataDir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir.getParent(), e);
        }
        startProcess();
    }

    /** Waits until this etcd answers {@code etcdctl endpoint health} (which needs its cluster's quorum). */
    synchronized void awaitHealthy() {
        if (process == null) {
            throw new IllegalStateException("etcd " + name + " is not running");
        }
        waitHealthy(process);
    }

    private synchronized void firstStart() {
        if (membership.isPresent()) {
            throw new IllegalStateException("a cluster member is started by its LocalEtcdCluster");
        }
        try {
            Files.createDirectories(dataDir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dataDir.getParent(), e);
        }
        boolean freshDataDir = !Files.exists(dataDir);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            clientPort = FreePorts.pick();
            peerPort = FreePorts.pick();
            if (peerPort == clientPort) {
                continue;
            }
            try {
                launchAndWait();
                return;
            } catch (IllegalStateException e) {
                kill();
                // Only a lost race for a port is worth another try; anything else is reported.
                if (!e.getMessage().contains("address already in use")) {
                    throw e;
                }
                last = e;
                if (freshDataDir) {
                    deleteQuietly(dataDir); // never delete data we were handed
                }
            }
        }
        throw last != null ? last : new IllegalStateException("could not pick free ports for etcd");
    }

    private void launchAndWait() {
        startProcess();
        waitHealthy(process);
        LOG.infof("event=etcd_started pid=%d name=%s endpoint=%s data_dir=%s tls=%s", process.pid(), name, endpoint(),
                dataDir, tls.isPresent());
    }

    private void startProcess() {
        List<String> command = command();
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + etcdBinary + "; is etcd installed?", e);
        }
        Process started = process;
        shutdownHook = new Thread(started::destroyForcibly, "local-etcd-reaper-" + started.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private List<String> command() {
        String scheme = tls.isPresent() ? "https" : "http";
        String clientUrl = scheme + "://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> c = new ArrayList<>(List.of(
                etcdBinary.toString(),
                "--name", name,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", membership.map(Membership::initialCluster).orElse(name + "=" + peerUrl),
                "--initial-cluster-state", "new",
                "--initial-cluster-token", membership.map(Membership::clusterToken).orElse("tabby-local-" + peerPort),
                "--heartbeat-interval", Integer.toString(heartbeatMillis),
                "--election-timeout", Integer.toString(electionMillis),
                "--logger", "zap",
                "--log-outputs", "stderr"));
        tls.ifPresent(t -> {
            c.addAll(List.of("--cert-file", t.serverCert().toString(), "--key-file", t.serverKey().toString(),
                    "--trusted-ca-file", t.ca().toString()));
            if (t.clientCertAuth()) {
                c.add("--client-cert-auth");
            }
        });
        return c;
    }

    private void waitHealthy(Process started) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        Etcdctl probe = etcdctl();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IllegalStateException("etcd exited with status " + started.exitValue()
                        + " during start-up; see " + logFile + ": " + tail(logFile));
            }
            if (portOpen()) {
                Etcdctl.Result health = probe.tryRun(Duration.ofSeconds(2), "endpoint", "health");
                if (health.ok()) {
                    return;
                }
                lastProblem = health.output();
            }
            sleep(50);
        }
        throw new IllegalStateException("etcd at " + endpoint() + " not healthy within " + startTimeout.toMillis()
                + " ms (" + lastProblem.replaceAll("\\s+", " ").trim() + "); see " + logFile);
    }

    private boolean portOpen() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void forgetProcess() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down; the hook is running or ran.
            }
        }
        shutdownHook = null;
        process = null;
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("event=cleanup_failed path=%s error=%s", dir, e.getMessage());
        }
    }

    public static final class Builder {
        private final Path dataDir;
        private Path logFile;
        private Path etcdBinary = DEFAULT_ETCD;
        private Path etcdctlBinary = DEFAULT_ETCDCTL;
        private EtcdTlsFiles tls;
        private Duration startTimeout = Duration.ofSeconds(20);
        private String name = "tabby-local";
        private Membership membership;
        // A lone member elects itself after one election timeout: keep it short so tests that restart etcd do not
        // spend seconds waiting for a leader.
        private int heartbeatMillis = 25;
        private int electionMillis = 250;

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** Where etcd's own log goes; default: next to the data dir, named {@code <dataDir>.log}. */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        public Builder tls(EtcdTlsFiles files) {
            this.tls = files;
            return this;
        }

        public Builder etcdBinary(Path binary) {
            this.etcdBinary = binary;
            return this;
        }

        public Builder etcdctlBinary(Path binary) {
            this.etcdctlBinary = binary;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** The member name ({@code --name}); default {@code tabby-local}. */
        public Builder name(String memberName) {
            this.name = Objects.requireNonNull(memberName, "name");
            return this;
        }

        /**
         * etcd's {@code --heartbeat-interval} and {@code --election-timeout} in milliseconds (default 25 and 250).
         * etcd wants the election timeout at least five heartbeats.
         */
        public Builder timing(int heartbeat, int electionTimeout) {
            if (heartbeat < 1 || electionTimeout < 5 * heartbeat) {
                throw new IllegalArgumentException("election timeout " + electionTimeout + " ms must be at least 5"
                        + " heartbeats (" + heartbeat + " ms)");
            }
            this.heartbeatMillis = heartbeat;
            this.electionMillis = electionTimeout;
            return this;
        }

        /** Makes this etcd a member of a cluster on the given ports; {@link LocalEtcdCluster} uses it. */
        Builder member(Membership m) {
            this.membership = m;
            return this;
        }

        /** A cluster member, created but not started ({@link LocalEtcd#launch()}). */
        LocalEtcd build() {
            if (membership == null) {
                throw new IllegalStateException("only a cluster member is built without starting; use start()");
            }
            return new LocalEtcd(this);
        }

        /** Picks free ports, starts etcd and returns once it answers a health check. */
        public LocalEtcd start() {
            LocalEtcd etcd = new LocalEtcd(this);
            etcd.firstStart();
            return etcd;
        }
    }
}
