package dev.tabby.testbed.routers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Two network namespaces, {@code tabby-t-<random>a} and {@code ...b}, joined by a veth pair (eth0 on both ends) with
 * 10.250.0.1/24 + fd00:250::1/64 on a and 10.250.0.2/24 + fd00:250::2/64 on b; and a short work dir per router.
 * Closing it stops the routers it started and removes the namespaces and files, whatever the test did.
 */
final class Lab implements AutoCloseable {
    static final String A4 = "10.250.0.1";
    static final String B4 = "10.250.0.2";
    static final String A6 = "fd00:250::1";
    static final String B6 = "fd00:250::2";
    private static final SecureRandom RANDOM = new SecureRandom();

    final String a;
    final String b;
    private final Path dir;
    private final List<Router> routers = new ArrayList<>();

    private Lab(String prefix, Path dir) {
        this.a = prefix + "a";
        this.b = prefix + "b";
        this.dir = dir;
    }

    static Lab create() throws IOException {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        // Under /tmp and world-traversable: FRR's daemons run as the frr user and unix socket paths must be short.
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "tabby-rt-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Lab lab = new Lab("tabby-t-" + HexFormat.of().formatHex(suffix), dir);
        try {
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() {
        sh("ip", "netns", "add", a);
        sh("ip", "netns", "add", b);
        for (String ns : List.of(a, b)) {
            sh("ip", "-n", ns, "link", "set", "lo", "up");
        }
        sh("ip", "-n", a, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", b);
        sh("ip", "-n", a, "addr", "add", A4 + "/24", "dev", "eth0");
        sh("ip", "-n", b, "addr", "add", B4 + "/24", "dev", "eth0");
        // nodad: the addresses are usable at once, not tentative for a second or two.
        sh("ip", "-n", a, "addr", "add", A6 + "/64", "dev", "eth0", "nodad");
        sh("ip", "-n", b, "addr", "add", B6 + "/64", "dev", "eth0", "nodad");
        sh("ip", "-n", a, "link", "set", "eth0", "up");
        sh("ip", "-n", b, "link", "set", "eth0", "up");
    }

    /** Starts {@code router} in {@code netns}; the lab stops it on close. */
    <R extends Router> R start(R router, String netns, RouterConfig config) {
        routers.add(router);
        router.start(netns, config, dir.resolve(router.kind().operatorName() + "-" + netns.substring(netns.length() - 1)));
        return router;
    }

    /** The last lines of every daemon log in the lab, for a failure message. */
    String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                out.append("\n--- ").append(dir.relativize(log)).append('\n');
                lines.subList(Math.max(0, lines.size() - 12), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException e) {
            out.append("(cannot read logs: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    List<String> namespaces() {
        return List.of(a, b);
    }

    static String sh(String... command) {
        Cli.Result r = Cli.run(command);
        return r.orThrow();
    }

    @Override
    public void close() {
        for (Router r : routers) {
            try {
                r.stop();
            } catch (RuntimeException e) {
                // the namespace and files go anyway
            }
        }
        for (String ns : List.of(a, b)) {
            if (Files.exists(Path.of("/run/netns", ns))) {
                Cli.run("ip", "netns", "del", ns);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
