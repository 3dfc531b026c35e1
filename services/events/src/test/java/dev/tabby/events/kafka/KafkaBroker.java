package dev.tabby.events.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka (KRaft, broker and controller in one process) on 127.0.0.1, run from Maven Central's
 * {@code kafka_2.13} jars as a java process of its own, for tests and the testbed. Everything lives in its directory:
 * {@code server.properties} (written once: its ports and cluster id make {@link #restart()} and a later
 * {@link #startDetached} come back at the same address with the same topics), {@code data/} (the log dirs),
 * {@code broker.log} (the broker's stdout and stderr, slf4j-simple), {@code broker.pid}, {@code format.log} (the
 * storage formatting) and {@code java.args} (the broker's classpath, as a java argument file). The process is only
 * ever ended through its own PID; {@link #stopPid} and {@link #killPid} check that the PID is still a Kafka broker.
 *
 * <p>The broker's classpath is {@value #CLASSPATH_RESOURCE}, written at build time by the maven-dependency-plugin
 * (services/events/pom.xml): this module's test classpath, which holds kafka_2.13 and its runtime dependencies.
 */
public final class KafkaBroker implements AutoCloseable {
    static final String CLASSPATH_RESOURCE = "broker.classpath";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 5;

    private final Path dir;
    private final boolean detached;
    private final int port;
    private volatile Process process;
    private Thread shutdownHook;

    private KafkaBroker(Path dir, int port, boolean detached) {
        this.dir = dir;
        this.port = port;
        this.detached = detached;
    }

    /**
     * For tests: a broker on free ports with its storage in {@code dir} (made if missing), ready when this returns.
     * A JVM shutdown hook kills it if the test run dies before {@link #close()}.
     */
    public static KafkaBroker start(Path dir) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            KafkaBroker b = new KafkaBroker(dir.toAbsolutePath(), freePort(), false);
            try {
                b.configure(freePort());
                b.launch();
                return b;
            } catch (PortTakenException e) {
                // another process took a port between our choosing and the broker's binding: choose again
                last = e;
                deleteTree(b.dir.resolve("data"));
            }
        }
        throw last;
    }

    /**
     * For the testbed and operators: a broker serving {@code 127.0.0.1:port} with its storage in {@code dir}, that
     * outlives this JVM (its own session through util-linux's setsid, no shutdown hook; end it with {@link #stopPid} or
     * {@link #killPid} of its {@link #pid()}, also from another JVM). A dir used before keeps its
     * configuration, cluster id and topics: start it again with the same port. Ready when this returns.
     */
    public static KafkaBroker startDetached(Path dir, int port) {
        KafkaBroker b = new KafkaBroker(dir.toAbsolutePath(), port, true);
        Path props = b.dir.resolve("server.properties");
        if (Files.exists(props)) {
            int configured = portOf(b.loadProperties().getProperty("advertised.listeners", ""));
            if (configured != port) {
                throw new IllegalArgumentException("the Kafka broker in " + dir + " was made for port " + configured
                        + ", not " + port + "; start it with port " + configured + " or give it a new directory");
            }
        } else {
            b.configure(freePort());
        }
        b.launch();
        return b;
    }

    /** The bootstrap servers of this broker, {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return dir.resolve("broker.log");
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the Kafka broker in " + dir + " is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL to the broker's PID, as a crash or an OOM kill would: no clean shutdown, its data as it is. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(10));
        process = null;
    }

    /** SIGTERM to the broker's PID (a controlled shutdown), SIGKILL if it has not exited after 15 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(process, STOP_GRACE)) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(10));
        }
        process = null;
    }

    /** Stops the broker if it runs and starts it again: same ports, same data, so its topics come back with it. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** Stops the broker and deletes its directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (shutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(shutdownHook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down already: the hook runs anyway
                }
                shutdownHook = null;
            }
            deleteTree(dir);
        }
    }

    /**
     * SIGTERM to the broker with {@code pid} (one {@link #startDetached} started, perhaps in another JVM), SIGKILL if
     * it has not exited after 15 s. False when no Kafka broker runs with that PID (a reused PID is left alone).
     */
    public static boolean stopPid(long pid) {
        return brokerProcess(pid).map(h -> {
            h.destroy();
            if (!awaitExit(h, STOP_GRACE)) {
                h.destroyForcibly();
                awaitExit(h, Duration.ofSeconds(10));
            }
            return true;
        }).orElse(false);
    }

    /** SIGKILL to the broker with {@code pid}; false when no Kafka broker runs with that PID. */
    public static boolean killPid(long pid) {
        return brokerProcess(pid).map(h -> {
            h.destroyForcibly();
            awaitExit(h, Duration.ofSeconds(10));
            return true;
        }).orElse(false);
    }

    /** The PID in {@code dir}'s broker.pid when a Kafka broker runs with it. */
    public static java.util.OptionalLong runningPid(Path dir) {
        try {
            long pid = Long.parseLong(Files.readString(dir.resolve("broker.pid")).trim());
            return brokerProcess(pid).isPresent() ? java.util.OptionalLong.of(pid) : java.util.OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    private static java.util.Optional<ProcessHandle> brokerProcess(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(" kafka.Kafka ")).orElse(false));
    }

    private static boolean awaitExit(ProcessHandle h, Duration d) {
        try {
            h.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        }
    }

    private void configure(int controllerPort) {
        try {
            Files.createDirectories(dir.resolve("data"));
            // KRaft combined mode, one voter; every internal topic at replication 1, as one broker can only hold one.
            String text = String.join("\n",
                    "# Written by dev.tabby.events.kafka.KafkaBroker: a single-node KRaft broker for tests and the testbed.",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT",
                    "controller.listener.names=CONTROLLER",
                    "log.dirs=" + dir.resolve("data"),
                    "num.partitions=1",
                    "auto.create.topics.enable=true",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "transaction.state.log.num.partitions=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    "share.coordinator.state.topic.num.partitions=1",
                    "group.initial.rebalance.delay.ms=0",
                    "");
            Files.writeString(dir.resolve("server.properties"), text, StandardCharsets.UTF_8);
            format();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Kafka broker's directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** kafka-storage.sh format: writes meta.properties with a new cluster id into the log dir. */
    private void format() throws IOException {
        List<String> cmd = java("kafka.tools.StorageTool");
        cmd.addAll(List.of("format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", dir.resolve("server.properties").toString(), "--ignore-formatted"));
        Path log = dir.resolve("format.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!waitFor(p, Duration.ofSeconds(60))) {
            p.destroyForcibly();
            throw new IllegalStateException("formatting the Kafka broker's storage in " + dir + " took over 60 s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("formatting the Kafka broker's storage in " + dir + " failed (exit "
                    + p.exitValue() + "): " + tail(log));
        }
    }

    private synchronized void launch() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the Kafka broker in " + dir + " is already running (pid " + process.pid() + ")");
        }
        Properties props = loadProperties();
        int controllerPort = portOf(props.getProperty("controller.quorum.voters", ""));
        for (int p : new int[] {port, controllerPort}) {
            if (!portFree(p)) {
                throw new PortTakenException("port 127.0.0.1:" + p + " of the Kafka broker in " + dir
                        + " is taken by another process; stop it or give the broker another port");
            }
        }
        List<String> cmd = new ArrayList<>();
        if (detached) {
            // its own session: a Ctrl-C to bin/tabby must not reach the broker the testbed keeps running
            cmd.add("setsid");
        }
        cmd.addAll(java("kafka.Kafka"));
        cmd.add(dir.resolve("server.properties").toString());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Files.writeString(dir.resolve("broker.pid"), process.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker: " + e.getMessage(), e);
        }
        if (!detached && shutdownHook == null) {
            shutdownHook = new Thread(() -> {
                Process p = process;
                if (p != null) {
                    p.destroyForcibly();
                }
            }, "kafka-broker-reaper");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        awaitReady();
    }

    /** Until the broker answers a metadata request naming itself: then it takes producers and consumers. */
    private void awaitReady() {
        KafkaClientLogging.apply();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.CLIENT_ID_CONFIG, "tabby-broker-check");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker in " + dir + " exited with " + process.exitValue()
                        + " while starting: " + tail(logFile()));
            }
            if (accepts()) {
                try (Admin admin = Admin.create(conf)) {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not serving metadata yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker in " + dir);
                }
            }
            sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the Kafka broker in " + dir + " did not answer on " + bootstrap() + " within "
                + START_TIMEOUT.toSeconds() + " s (killed it); its log: " + logFile());
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The java command for {@code mainClass}; the classpath goes in an argument file in the broker's directory, so the
     * command line stays short enough for {@link ProcessHandle.Info} (4 KiB) to show it ends in kafka.Kafka.
     */
    private List<String> java(String mainClass) {
        Path argFile = dir.resolve("java.args");
        try {
            Files.writeString(argFile, "-cp \"" + brokerClasspath() + "\"\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + argFile + ": " + e.getMessage(), e);
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ArrayList<>(List.of(javaBin.toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                "@" + argFile, mainClass));
    }

    /** kafka_2.13 and its runtime dependencies, as resolved when this module was built. */
    static String brokerClasspath() {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + CLASSPATH_RESOURCE + " beside KafkaBroker: build services/events"
                        + " with Maven (mvn -pl services/events install -DskipTests), which resolves the broker's jars");
            }
            String cp = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            for (String jar : cp.split(java.io.File.pathSeparator)) {
                if (!Files.exists(Path.of(jar))) {
                    throw new IllegalStateException("the Kafka broker's jar " + jar + " is missing: rebuild services/events"
                            + " with Maven (mvn -pl services/events install -DskipTests) to resolve it again");
                }
            }
            return cp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Properties loadProperties() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("server.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("server.properties") + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** The port at the end of a listener or voter string such as {@code PLAINTEXT://127.0.0.1:9092}; -1 if none. */
    private static int portOf(String address) {
        try {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            return String.join(" | ", last) + " (" + log + ")";
        } catch (IOException e) {
            return "see " + log;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A port of ours was taken by someone else: {@link #start(Path)} chooses new ones. */
    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
