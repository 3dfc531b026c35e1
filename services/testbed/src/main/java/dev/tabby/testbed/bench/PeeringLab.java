package dev.tabby.testbed.bench;

import dev.tabby.testbed.routers.Router;
import dev.tabby.testbed.routers.RouterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * BGP speakers on one shared link: node namespaces {@code <prefix><random>1..N}, each with eth0 (10.250.0.i/24 and
 * fd00:250::i/64) plugged into a bridge in a hub namespace {@code <prefix><random>h}, so any node reaches any other
 * directly, as nodes on one rack do (a reflected route's next hop is another client's address on the link). Each
 * node has a work dir under one short /tmp dir (unix socket paths are short; FRR's daemons, running as the frr user,
 * must get through it). Closing it stops every router and speaker it started and removes the namespaces and files.
 */
public final class PeeringLab implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final int nodes;
    private final Path dir;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<String> made = new ArrayList<>();

    private PeeringLab(String prefix, int nodes, Path dir) {
        this.prefix = prefix;
        this.nodes = nodes;
        this.dir = dir;
    }

    /** {@code namePrefix} is "tabby-t-" for tests, "tabby-b-" for benchmarks. */
    public static PeeringLab create(String namePrefix, int nodes) {
        if (nodes < 2 || nodes > 200) {
            throw new IllegalArgumentException("a peering lab has 2..200 nodes, not " + nodes);
        }
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        Path dir;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "tabby-pl-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the lab's work dir under /tmp: " + e.getMessage(), e);
        }
        PeeringLab lab = new PeeringLab(namePrefix + HexFormat.of().formatHex(suffix), nodes, dir);
        try {
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() {
        String hub = prefix + "h";
        addNamespace(hub);
        run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", hub, "link", "set", "br0", "up");
        for (int i = 1; i <= nodes; i++) {
            String ns = netns(i);
            addNamespace(ns);
            String port = "v" + i;
            run("ip", "-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run("ip", "-n", hub, "link", "set", port, "master", "br0");
            run("ip", "-n", hub, "link", "set", port, "up");
            run("ip", "-n", ns, "addr", "add", ipv4(i) + "/24", "dev", "eth0");
            // nodad: usable at once, not tentative for a second or two.
            run("ip", "-n", ns, "addr", "add", ipv6(i) + "/64", "dev", "eth0", "nodad");
            run("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    private void addNamespace(String ns) {
        run("ip", "netns", "add", ns);
        made.add(ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    public String netns(int node) {
        checkNode(node);
        return prefix + node;
    }

    public static String ipv4(int node) {
        return "10.250.0." + node;
    }

    public static String ipv6(int node) {
        return "fd00:250::" + Integer.toHexString(node);
    }

    /** The node's work dir (created on first use). */
    public Path workDir(int node, String what) {
        checkNode(node);
        Path d = dir.resolve(what + node);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + d + ": " + e.getMessage(), e);
        }
        return d;
    }

    /** Starts {@code router} on {@code node}; the lab stops it on close. */
    public <R extends Router> R start(R router, int node, RouterConfig config) {
        started.add(router);
        router.start(netns(node), config, workDir(node, router.kind().operatorName()));
        return router;
    }

    /** Starts a standalone bgp-speaker on {@code node}; the lab stops it on close. */
    public SpeakerProcess startTabby(int node, SpeakerConfig config, List<String> jvmOptions) {
        SpeakerProcess s = SpeakerProcess.start(netns(node), config, workDir(node, "tabby"), jvmOptions);
        started.add(s);
        return s;
    }

    /** The last lines of every log in the lab, for a failure message. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n--- ").append(dir.relativize(log)).append('\n');
                lines.subList(Math.max(0, lines.size() - 12), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            out.append("(cannot read logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    public List<String> namespaces() {
        return List.copyOf(made);
    }

    /** Runs a command to completion; its output, or an exception naming it and what it printed. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + out.strip().replaceAll("\\s*\\R\\s*", " | "));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }

    private void checkNode(int node) {
        if (node < 1 || node > nodes) {
            throw new IllegalArgumentException("node " + node + " is not in this lab (1.." + nodes + ")");
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                // the namespaces and files go anyway
            }
        }
        for (String ns : made) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                try {
                    run("ip", "netns", "del", ns);
                } catch (RuntimeException e) {
                    // the next namespace still goes
                }
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }
}
