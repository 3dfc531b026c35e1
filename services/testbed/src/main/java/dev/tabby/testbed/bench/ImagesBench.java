package dev.tabby.testbed.bench;

import dev.tabby.testbed.ServiceJvm;
import dev.tabby.testbed.containers.ImageTag;
import dev.tabby.testbed.containers.ServiceDeclarations;
import dev.tabby.testbed.containers.ServiceDeclarations.Declaration;
import dev.tabby.testbed.containers.ServiceDeclarations.HostPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench images}: per service image of charts/tabby/services.yaml with an HTTP port, the image's size
 * and its cold start to ready (GET /q/health/ready answers 200) in a container (podman, runc, the namespace as its
 * network, services.yaml's capabilities) against the same service as a plain process (ip netns exec ... java -jar
 * quarkus-run.jar), both in one network namespace made here, with an etcd of its own on the namespace's 127.0.0.1:2379
 * and the node registered in it (tabbyctl node register, as services/testbed Registration does).
 *
 * <p>Prints one line per service and {@code BENCH images ratio=<worst container/process> ...}. Needs root and the
 * images (bin/tabby images). Removes the namespace, the containers, the processes and its files in the end.
 */
public final class ImagesBench {
    private static final String NODE = "imgbench-node";
    private static final String ETCD = "http://127.0.0.1:2379";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path root;
    private final String netns = "tabby-imgbench-" + ProcessHandle.current().pid();
    private final Path work;
    private final String version;
    private Process etcd;
    private final Map<Integer, NamespaceClient> clients = new TreeMap<>();

    private ImagesBench(Path root) throws IOException {
        this.root = root;
        this.work = Files.createTempDirectory("tabby-imgbench");
        this.version = ImageTag.of(root);
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            System.err.println("bench images takes no arguments; it times every service image of charts/tabby/services.yaml");
            System.exit(2);
        }
        Path root = Path.of(System.getenv().getOrDefault("TABBY_ROOT", ".")).toAbsolutePath().normalize();
        ImagesBench bench = new ImagesBench(root);
        try {
            bench.run();
        } finally {
            bench.cleanUp();
        }
    }

    private record Timing(String service, double sizeMb, double processMs, double containerMs) {
        double ratio() {
            return containerMs / processMs;
        }
    }

    private void run() throws Exception {
        ServiceDeclarations declarations = ServiceDeclarations.load(root);
        List<Declaration> services = new ArrayList<>();
        for (Declaration d : declarations.all()) {
            if (!d.role().equals("daemon") || d.httpPort() == 0) {
                continue;
            }
            // ipip-manager is ready only once tunl0 exists: without the ipip module (loaded or built in) it never
            // is. This bench loads no module on the host; bin/tabby vm run has a kernel with it.
            if (d.service().equals("ipip-manager") && !Files.isDirectory(Path.of("/sys/module/ipip"))) {
                System.out.println("images ipip-manager skipped: this kernel has no ipip module loaded (run the bench in bin/tabby vm run)");
                continue;
            }
            services.add(d);
        }
        for (Declaration d : services) {
            String ref = ref(d);
            if (exec(List.of("podman", "image", "exists", ref)).code != 0) {
                throw new IllegalStateException("no image " + ref + "; run bin/tabby images first");
            }
        }
        makeNamespace();
        List<Timing> timings = new ArrayList<>();
        for (Declaration d : services) {
            double size = Double.parseDouble(exec(List.of("podman", "image", "inspect", "--format", "{{.Size}}", ref(d)))
                    .requireOk("podman image inspect").strip()) / 1e6;
            // The process first, then the container: each starts cold (a JVM of its own), with the node's state
            // in etcd already as the other left it, so both see the same datastore.
            double process = timeProcess(d);
            double container = timeContainer(d);
            Timing t = new Timing(d.service(), size, process, container);
            timings.add(t);
            System.out.printf(Locale.ROOT, "images %-20s size_mb=%.0f process_ready_ms=%.0f container_ready_ms=%.0f ratio=%.2f%n",
                    t.service(), t.sizeMb(), t.processMs(), t.containerMs(), t.ratio());
        }
        double worst = timings.stream().mapToDouble(Timing::ratio).max().orElse(0);
        double mean = timings.stream().mapToDouble(Timing::ratio).average().orElse(0);
        double processMean = timings.stream().mapToDouble(Timing::processMs).average().orElse(0);
        double containerMean = timings.stream().mapToDouble(Timing::containerMs).average().orElse(0);
        double sizeMax = timings.stream().mapToDouble(Timing::sizeMb).max().orElse(0);
        System.out.printf(Locale.ROOT, "BENCH images services=%d ratio=%.2f mean_ratio=%.2f process_ready_ms=%.0f "
                + "container_ready_ms=%.0f size_mb_max=%.0f%n", timings.size(), worst, mean, processMean, containerMean, sizeMax);
    }

    private String ref(Declaration d) {
        return "localhost/" + d.image() + ":" + version;
    }

    /** The namespace with lo and eth0 (the node's address), an etcd on its loopback, the node registered. */
    private void makeNamespace() throws Exception {
        exec(List.of("ip", "netns", "add", netns)).requireOk("ip netns add " + netns);
        exec(List.of("ip", "-n", netns, "link", "set", "lo", "up")).requireOk("lo up");
        // A veth pair with both ends inside (this kernel may lack the dummy module): eth0 carries the node's address.
        exec(List.of("ip", "-n", netns, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0-peer")).requireOk("veth eth0");
        exec(List.of("ip", "-n", netns, "link", "set", "eth0-peer", "up")).requireOk("eth0-peer up");
        exec(List.of("ip", "-n", netns, "addr", "add", "10.123.0.1/24", "dev", "eth0")).requireOk("eth0 address");
        exec(List.of("ip", "-n", netns, "link", "set", "eth0", "up")).requireOk("eth0 up");
        // requirements-probe is ready only on a node with a default route.
        exec(List.of("ip", "-n", netns, "route", "add", "default", "via", "10.123.0.254", "dev", "eth0")).requireOk("default route");
        etcd = new ProcessBuilder("ip", "netns", "exec", netns, "etcd", "--name", "imgbench", "--data-dir",
                work.resolve("etcd").toString(), "--listen-client-urls", ETCD, "--advertise-client-urls", ETCD,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "imgbench=http://127.0.0.1:2380", "--listen-metrics-urls", "http://127.0.0.1:2381")
                .redirectErrorStream(true).redirectOutput(work.resolve("etcd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ready(2379, "/health")) {
            if (!etcd.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd in " + netns + " did not come up; its log is " + work.resolve("etcd.log"));
            }
            Thread.sleep(50);
        }
        List<String> register = new ArrayList<>(List.of("ip", "netns", "exec", netns, "java"));
        register.addAll(ServiceJvm.flags(root));
        register.addAll(List.of("-cp", root.resolve("services/ctl/target/classes") + ":" + root.resolve("services/ctl/target/lib") + "/*",
                "dev.tabby.ctl.Main", "--etcd-endpoints", ETCD, "node", "register", "--name", NODE, "--ip", "10.123.0.1/24"));
        exec(register).requireOk("tabbyctl node register");
    }

    /** The service as a plain process in the namespace, with the node's own /var/lib/tabby and /run/tabby. */
    private double timeProcess(Declaration d) throws Exception {
        Path lib = Files.createDirectories(work.resolve(d.service() + "/lib"));
        Path run = Files.createDirectories(work.resolve(d.service() + "/run"));
        Files.createDirectories(Path.of("/var/lib/tabby"));
        Files.createDirectories(Path.of("/run/tabby"));
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "sh", "-c",
                // ip netns exec gives a private mount namespace: these binds stay in it.
                "mount --bind \"$1\" /var/lib/tabby && mount --bind \"$2\" /run/tabby && shift 2 && exec \"$@\"",
                "on-node", lib.toString(), run.toString(), "java"));
        Path app = root.resolve(module(d) + "/target/quarkus-app");
        cmd.addAll(ServiceJvm.quarkusFlags(root, app));
        cmd.addAll(List.of("-jar", app.resolve("quarkus-run.jar").toString()));
        // In the fast-jar's directory, as the image's WORKDIR: where its AppCDS archive applies (ServiceJvm).
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(app.toFile())
                .redirectOutput(work.resolve(d.service() + "-process.log").toFile());
        pb.environment().putAll(env(d));
        pb.environment().put(ServiceJvm.MALLOC_ARENA_MAX, ServiceJvm.MALLOC_ARENAS);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            awaitReady(d, () -> p.isAlive(), work.resolve(d.service() + "-process.log").toString());
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            stop(p);
        }
    }

    /** The service in a container: the namespace as its network, services.yaml's capabilities, procSys and paths. */
    private double timeContainer(Declaration d) throws Exception {
        String name = netns + "-" + d.service();
        List<String> cmd = new ArrayList<>(List.of("podman", "run", "--rm", "-d", "--name", name, "--runtime", "runc",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--network", "ns:/run/netns/" + netns,
                "--cap-drop", "all"));
        for (String cap : d.capabilities()) {
            cmd.addAll(List.of("--cap-add", cap));
        }
        if (d.procSysWritable()) {
            cmd.addAll(List.of("--security-opt", "unmask=/proc/sys"));
        }
        for (HostPath h : d.hostPaths()) {
            // Read-only host paths are the host's (e.g. /lib/modules); writable ones a directory of the bench's own,
            // so nothing on this host changes.
            Path source = Path.of(h.path());
            if (h.readOnly() && !Files.exists(source)) {
                continue; // e.g. no /lib/modules on a host whose kernel has its modules built in
            }
            if (!h.readOnly()) {
                source = work.resolve(d.service() + "-container" + h.path().replace('/', '_'));
                if (h.type().equals("FileOrCreate")) {
                    Files.createDirectories(source.getParent());
                    Files.write(source, new byte[0]);
                } else {
                    Files.createDirectories(source);
                }
            }
            cmd.addAll(List.of("-v", source + ":" + h.mountPath() + (h.readOnly() ? ":ro" : "")));
        }
        env(d).forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        cmd.add(ref(d));
        cmd.addAll(d.args());
        long t0 = System.nanoTime();
        Result started = exec(cmd);
        try {
            started.requireOk("podman run " + ref(d));
            awaitReady(d, () -> exec(List.of("podman", "container", "exists", name)).code == 0, "podman logs " + name);
            return (System.nanoTime() - t0) / 1e6;
        } catch (IllegalStateException e) {
            String logs = exec(List.of("podman", "logs", "--tail", "5", name)).out.strip();
            throw new IllegalStateException(e.getMessage() + "; its last lines:\n" + logs, e);
        } finally {
            exec(List.of("podman", "rm", "-f", "-t", "5", name));
        }
    }

    private Map<String, String> env(Declaration d) {
        Map<String, String> env = new TreeMap<>();
        d.env().forEach(e -> env.put(e.name(), e.value().replace("${NODE_NAME}", NODE).replace("${ETCD_ENDPOINTS}", ETCD)
                .replace("${PROBE_MODES}", "vxlan")));
        return env;
    }

    private String module(Declaration d) throws IOException {
        for (String line : Files.readAllLines(root.resolve("images/" + d.image().replaceFirst("^tabby/", "") + "/image.conf"))) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2 && kv[0].equals("module")) {
                return kv[1];
            }
        }
        throw new IllegalStateException("images/" + d.image() + "/image.conf names no module");
    }

    private void awaitReady(Declaration d, java.util.function.BooleanSupplier alive, String log) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready(d.httpPort(), d.readiness())) {
            if (!alive.getAsBoolean()) {
                throw new IllegalStateException(d.service() + " exited before it was ready; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(d.service() + " not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
            }
            Thread.sleep(20);
        }
    }

    private boolean ready(int port, String path) {
        // One client (its thread in the namespace) per port: the polls themselves stay cheap.
        NamespaceClient c = clients.computeIfAbsent(port, p -> NamespaceClient.open(netns, p, Duration.ofSeconds(2)));
        try {
            return c.send("GET", path, null).status() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void cleanUp() throws Exception {
        clients.values().forEach(NamespaceClient::close);
        if (etcd != null) {
            stop(etcd);
        }
        exec(List.of("ip", "netns", "del", netns));
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record Result(int code, String out) {
        String requireOk(String what) {
            if (code != 0) {
                throw new IllegalStateException(what + " failed (exit " + code + "): " + out.strip());
            }
            return out;
        }
    }

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.MINUTES);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + cmd, e);
        }
    }
}
