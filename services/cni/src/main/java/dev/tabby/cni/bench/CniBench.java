package dev.tabby.cni.bench;

import dev.tabby.cni.client.CniClient;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import dev.tabby.netlink.NamespaceForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code bin/tabby bench cni}: ADD and DEL latency of the real launcher path, a process per call as a container
 * runtime makes it, against a daemon of its own on a node of its own (a {@code tabby-b-*} namespace, containers in
 * more of them, a private etcd; all removed afterwards). The daemon runs inside the node's namespace, as on a node
 * ({@code ip netns exec}), and reaches the private etcd through a forwarder on that namespace's loopback. Prints
 * p50/p99 and, last, {@code BENCH cni workloads=N add_p50_ms=.. add_p99_ms=.. del_p50_ms=.. del_p99_ms=.. ratio=..}
 * where ratio is add_p50_ms against the 100 ms goal of issue 16 (at most 1 meets it; the p99 goal is 200 ms).
 *
 * <p>Run from a built checkout: {@code java -cp services/cni/target/classes:services/cni/target/lib/*
 * dev.tabby.cni.bench.CniBench [WORKLOADS]}; TABBY_ROOT names the checkout (default: found from the classes).
 */
public final class CniBench {
    private static final double GOAL_MS = 100.0;
    private static final int WARM_UP = 5;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The flags every service JVM runs with, relative to the checkout's root. */
    static final String SERVICE_ARGS = "images/jvm/service.args";
    private final Path root;
    private final Path dir;
    private final String tag = hex(3);
    private final List<String> namespaces = new ArrayList<>();
    private Process daemon;
    private NamespaceForwarder forwarder;

    private CniBench(Path root, Path dir) {
        this.root = root;
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path root = checkoutRoot();
        Path dir = Files.createTempDirectory("tabby-cni-bench-");
        CniBench bench = new CniBench(root, dir);
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("etcd"))) {
            bench.run(etcd, workloads);
        } finally {
            bench.cleanUp();
        }
    }

    private void run(LocalEtcd etcd, int workloads) throws Exception {
        try (KeyValueStore kv = KeyValueStore.connect(etcd.clientConfig())) {
            for (Resource r : ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: bench\n"
                    + "spec:\n  cidr: 10.90.0.0/16\n  blockSize: 26\n"
                    // calico-node registers the node first: Calico's IPAM assigns only to known nodes.
                    + "---\napiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: bench-node\n").resources()) {
                new ResourceStore(kv).create(r);
            }
        }
        String host = netns("tabby-b-" + tag);
        List<String> containers = new ArrayList<>();
        for (int i = 0; i < workloads + WARM_UP; i++) {
            containers.add(netns("tabby-b-" + tag + "-" + i));
        }
        Path bin = dir.resolve("bin");
        install(bin);
        Path socket = dir.resolve("cni.sock");
        run("ip", "-n", host, "link", "set", "lo", "up");
        forwarder = NamespaceForwarder.start(Path.of("/run/netns", host),
                new InetSocketAddress(etcd.endpoint().getHost(), etcd.endpoint().getPort()));
        startDaemon(socket, host);

        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"k8s-pod-network\",\"type\":\"tabby\",\"etcd_endpoints\":\""
                + forwarder.endpoint() + "\",\"nodename\":\"bench-node\",\"log_level\":\"warning\","
                + "\"ipam\":{\"type\":\"tabby-ipam\"}}";
        Map<String, String> env = Map.of("TABBY_CNI_SOCKET", socket.toString());

        long[] version = new long[10];
        for (int i = 0; i < version.length; i++) {
            version[i] = call(bin, "tabby-cni", "VERSION", null, null, null, "{\"cniVersion\":\"1.0.0\"}", env);
        }
        for (int i = 0; i < WARM_UP; i++) {
            String c = containers.get(workloads + i);
            call(bin, "tabby", "ADD", "warm" + i, c, "warm-" + i, conf, env);
            call(bin, "tabby", "DEL", "warm" + i, c, "warm-" + i, conf, env);
        }
        long[] add = new long[workloads];
        long[] del = new long[workloads];
        for (int i = 0; i < workloads; i++) {
            add[i] = call(bin, "tabby", "ADD", id(i), containers.get(i), "pod-" + i, conf, env);
        }
        for (int i = 0; i < workloads; i++) {
            del[i] = call(bin, "tabby", "DEL", id(i), containers.get(i), "pod-" + i, conf, env);
        }
        long leftover = countCali(host);
        if (leftover != 0) {
            throw new IllegalStateException(leftover + " cali* interfaces left on the bench node after the DELs");
        }

        double addP50 = percentile(add, 50);
        double addP99 = percentile(add, 99);
        double delP50 = percentile(del, 50);
        double delP99 = percentile(del, 99);
        System.out.printf("launcher alone (VERSION through the daemon): p50 %.1f ms%n", percentile(version, 50));
        System.out.printf("inside the daemon: ADD p50 %.1f ms, DEL p50 %.1f ms%n", daemonMillis("cni_add", workloads + WARM_UP),
                daemonMillis("cni_del", workloads + WARM_UP));
        System.out.printf("ADD over %d workloads: p50 %.1f ms, p99 %.1f ms%n", workloads, addP50, addP99);
        System.out.printf("DEL over %d workloads: p50 %.1f ms, p99 %.1f ms%n", workloads, delP50, delP99);
        System.out.printf("BENCH cni workloads=%d add_p50_ms=%.1f add_p99_ms=%.1f del_p50_ms=%.1f del_p99_ms=%.1f ratio=%.3f%n",
                workloads, addP50, addP99, delP50, delP99, addP50 / GOAL_MS);
    }

    /** The median of the daemon's own ms= for an event, over the last {@code n} (the measured calls). */
    private double daemonMillis(String event, int n) throws IOException {
        List<Long> ms = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("daemon.log"))) {
            int at = line.indexOf("event=" + event + " ");
            int m = line.lastIndexOf(" ms=");
            if (at >= 0 && m > at) {
                ms.add(Long.parseLong(line.substring(m + 4).trim()));
            }
        }
        long[] last = ms.subList(Math.max(0, ms.size() - n + WARM_UP), ms.size()).stream().mapToLong(x -> x * 1_000_000).toArray();
        return last.length == 0 ? Double.NaN : percentile(last, 50);
    }

    private static String id(int i) {
        return String.format("%048x", i + 1L) + hex(8);
    }

    /** One plugin call as a runtime makes it; returns its wall time in nanoseconds. */
    private static long call(Path bin, String plugin, String command, String containerId, String netns, String pod,
                             String conf, Map<String, String> extra) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(bin.resolve(plugin).toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_") || k.startsWith("TABBY_"));
        env.putAll(extra);
        env.put("CNI_COMMAND", command);
        env.put("CNI_PATH", bin.toString());
        if (containerId != null) {
            env.put("CNI_CONTAINERID", containerId);
            env.put("CNI_NETNS", "/run/netns/" + netns);
            env.put("CNI_IFNAME", "eth0");
            env.put("CNI_ARGS", "K8S_POD_NAMESPACE=bench;K8S_POD_NAME=" + pod);
        }
        long start = System.nanoTime();
        Process p = pb.start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(conf.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = readAll(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(plugin + " " + command + " did not finish in 120 s");
        }
        long took = System.nanoTime() - start;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(plugin + " " + command + " " + containerId + " failed: "
                    + new String(out, StandardCharsets.UTF_8) + new String(err.join(), StandardCharsets.UTF_8));
        }
        return took;
    }

    private void install(Path bin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "source \"$1/scripts/lib.sh\" && source \"$1/scripts/cni.sh\" && cni_install \"$2\" \"$3\"",
                "_", root.toString(), bin.toString(), dir.resolve("net.d").toString());
        pb.environment().put("TABBY_CNI_VAR", dir.resolve("var").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cni_install failed: " + out);
        }
        System.out.println("launchers installed; CDS archive for the client: "
                + (Files.exists(dir.resolve("var/client.jsa")) ? "yes" : "no"));
    }

    /**
     * The daemon as its own JVM inside the node's namespace, as a node runs it: with the JVM flags every service runs
     * with (images/jvm/service.args, as scripts/cni.sh and the cni image start it). It ran with flags of its own
     * (-Xmx256m) until 2026-12-06, so its numbers did not follow a change of those flags.
     */
    private void startDaemon(Path socket, String netns) throws IOException, InterruptedException {
        Path args = root.resolve(SERVICE_ARGS);
        if (!Files.isRegularFile(args)) {
            throw new IllegalStateException("no JVM argument file " + args + "; restore " + SERVICE_ARGS + " from git");
        }
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", netns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + args, "-cp", System.getProperty("java.class.path"),
                "dev.tabby.cni.daemon.CniDaemon", "--socket", socket.toString());
        pb.environment().put("TABBY_CNI_LOG_LEVEL", "info");
        pb.environment().remove(CniClient.SOCKET_VAR);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("daemon.log").toFile());
        daemon = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket)) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the CNI daemon did not start: " + Files.readString(dir.resolve("daemon.log")));
            }
            Thread.sleep(20);
        }
    }

    private String netns(String name) throws IOException, InterruptedException {
        run("ip", "netns", "add", name);
        namespaces.add(name);
        return name;
    }

    private static long countCali(String ns) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "-n", ns, "-o", "link", "show").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> l.matches("\\d+: cali.*")).count();
    }

    private void cleanUp() {
        if (forwarder != null) {
            forwarder.close();
        }
        if (daemon != null) {
            daemon.destroy();
            try {
                if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            } catch (InterruptedException e) {
                daemon.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "del", ns);
            } catch (Exception e) {
                System.err.println("could not remove namespace " + ns + ": " + e.getMessage());
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Nearest rank, in milliseconds. */
    static double percentile(long[] nanos, double p) {
        long[] sorted = Arrays.copyOf(nanos, nanos.length);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** TABBY_ROOT, or the checkout these classes were built in (services/cni/target/classes). */
    private static Path checkoutRoot() throws Exception {
        String env = System.getenv("TABBY_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path classes = Path.of(CniBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path p = classes;
        while (p != null && !Files.exists(p.resolve("scripts/cni.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the checkout from " + classes + "; set TABBY_ROOT");
        }
        return p;
    }
}
