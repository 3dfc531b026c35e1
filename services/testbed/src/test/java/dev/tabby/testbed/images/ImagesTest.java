package dev.tabby.testbed.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.testbed.containers.ServiceDeclarations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/tabby images (scripts/images.sh): one image per image of charts/tabby/services.yaml, tagged with the project
 * version, each with the programs its service runs and no other, dependencies in their own layer, and the
 * entrypoints services.yaml's args rely on. Builds the images once (the Debian bases are cached under var/images).
 */
class ImagesTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    /** Every program some Tabby image runs; each image must have exactly its own. */
    private static final List<String> TOOLS = List.of("java", "iptables", "iptables-restore", "ip6tables-save", "ipset",
            "nft", "sysctl", "ip", "modprobe");
    private static final Set<String> JRE = Set.of("java");
    private static final Map<String, Set<String>> EXPECTED_TOOLS = Map.of(
            "tabby/vxlan-manager", JRE,
            "tabby/ipip-manager", JRE,
            "tabby/bgp-speaker", JRE,
            "tabby/ctl", JRE,
            "tabby/cni", JRE,
            "tabby/policy-renderer", Set.of("java", "iptables", "iptables-restore", "ip6tables-save", "ipset", "sysctl"),
            "tabby/requirements-probe", Set.of("java", "iptables", "iptables-restore", "ip6tables-save", "ipset", "nft"));

    private static String version;
    private static List<String> images;
    private static final List<Path> temps = new ArrayList<>();

    /** This host's links and IPv4 forwarding before the class ran: containers must leave them as they were. */
    private static String hostNetworkBefore;

    @BeforeAll
    static void buildImages() throws IOException {
        hostNetworkBefore = hostNetwork();
        images = ServiceDeclarations.load(ROOT).images();
        version = script("images_version").out.strip();
        assertFalse(version.isEmpty(), "no project version from pom.xml");
        // The script function, not bin/tabby images: the module builds are this Maven run's.
        Result r = script("images_build");
        assertEquals(0, r.code, "images_build failed:\n" + r.out);
        for (String image : images) {
            assertTrue(r.out.contains("localhost/" + image + ":" + version), "no size line for " + image + ":\n" + r.out);
        }
    }

    private static String hostNetwork() throws IOException {
        return run("ip", "-o", "link", "show").out.lines().map(l -> l.split(":")[1].strip()).sorted().toList()
                + " ip_forward=" + Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
    }

    @AfterAll
    static void removeTemps() throws IOException {
        // A podman run without --network none would have put cni-podman0 on this host and turned ip_forward on.
        assertEquals(hostNetworkBefore, hostNetwork(), "the images' containers changed this host's network");
        for (Path t : temps) {
            try (Stream<Path> s = Files.walk(t)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void everyImageOfServicesYamlIsTaggedWithTheProjectVersionAlone() {
        assertEquals(List.of("tabby/vxlan-manager", "tabby/ipip-manager", "tabby/bgp-speaker", "tabby/policy-renderer",
                "tabby/requirements-probe", "tabby/cni", "tabby/ctl"), images);
        for (String image : images) {
            Result tags = run("podman", "images", "--format", "{{.Tag}}", "localhost/" + image);
            assertEquals(0, tags.code, tags.out);
            assertEquals(Set.of(version), Set.copyOf(tags.out.lines().filter(l -> !l.isBlank()).toList()),
                    image + " has other tags than the project version");
        }
    }

    @Test
    void eachImageHasTheProgramsItsServiceRunsAndNoOther() {
        String probe = "for c in " + String.join(" ", TOOLS) + "; do command -v $c >/dev/null && echo $c; done; true";
        for (String image : images) {
            Result r = podmanRun("--entrypoint", "sh", ref(image), "-c", probe);
            assertEquals(0, r.code, image + ": " + r.out);
            assertEquals(new TreeSet<>(EXPECTED_TOOLS.get(image)), new TreeSet<>(r.out.lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList()), image + " has the wrong programs");
        }
    }

    @Test
    void dependenciesAreALayerOfTheirOwnBelowTheApplicationAndARebuildReusesEveryLayer() {
        for (String image : images) {
            Result history = run("podman", "history", "--no-trunc", "--format", "{{.CreatedBy}}", ref(image));
            assertEquals(0, history.code, history.out);
            // podman history lists the newest first: the COPY steps above the imported base.
            List<String> copies = history.out.lines().filter(l -> l.contains("COPY")).toList();
            assertTrue(copies.size() >= 2, image + " has fewer than 2 COPY layers:\n" + history.out);
            String oldest = copies.get(copies.size() - 1);
            assertTrue(oldest.contains(" in /opt/tabby/lib/") || oldest.contains(" in /opt/tabby/services/cni/target/lib/"),
                    image + ": the first layer above the base is not the dependencies: " + oldest);
            int above = layers(ref(image)).size() - layers(base(image)).size();
            assertTrue(above >= (image.equals("tabby/ctl") ? 2 : 3), image + " has only " + above + " layers above its base");
        }
        // The same inputs again: every layer is the cache's (and --timestamp 0 makes them the same bytes).
        List<String> before = layers(ref("tabby/vxlan-manager"));
        Result again = script("images_build vxlan-manager");
        assertEquals(0, again.code, again.out);
        assertEquals(before, layers(ref("tabby/vxlan-manager")));
    }

    @Test
    void theCniImageInstallsLaunchersForTheHostsJavaAndAConflist() throws Exception {
        Path bin = temp("tabby-images-cni-bin");
        Path net = temp("tabby-images-cni-net");
        // Mounted at the same path, as a pod mounts the host's /opt/cni/bin: the launchers name that path.
        Result r = podmanRun("-v", bin + ":" + bin, "-v", net + ":" + net, "-e", "CNI_BIN_DIR=" + bin, "-e",
                "CNI_NET_DIR=" + net, "-e", "TABBY_ETCD_ENDPOINTS=http://10.96.232.136:6666", "-e",
                "TABBY_NODENAME=node-a", ref("tabby/cni"), "install");
        assertEquals(0, r.code, r.out);
        for (String plugin : List.of("tabby-cni", "tabby-ipam", "tabby")) {
            Path p = bin.resolve(plugin);
            assertTrue(Files.isRegularFile(p), plugin + " missing");
            assertTrue(Files.getPosixFilePermissions(p).containsAll(Set.of(PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE)), plugin + " is not executable");
        }
        // One static program under three names; without a daemon it runs the Java client as its sidecar says.
        assertTrue(Files.isSymbolicLink(bin.resolve("tabby")));
        assertTrue(Files.isSymbolicLink(bin.resolve("tabby-ipam")));
        String fallback = Files.readString(bin.resolve("tabby-cni.fallback"));
        assertTrue(fallback.contains(bin.resolve("tabby-cni.d").toString()), "the fallback does not use the copied jars: " + fallback);
        assertTrue(fallback.contains("\njava java\n"), "the fallback does not run the host's java: " + fallback);
        try (Stream<Path> s = Files.list(bin.resolve("tabby-cni.d/lib"))) {
            assertTrue(s.anyMatch(p -> p.toString().endsWith(".jar")), "no client jars copied");
        }
        try (Stream<Path> s = Stream.concat(Files.list(bin), Files.list(net))) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList(), "temporary files left");
        }
        JsonNode conf = new ObjectMapper().readTree(net.resolve("10-tabby.conflist").toFile());
        JsonNode plugin = conf.path("plugins").path(0);
        assertEquals("tabby", plugin.path("type").asText());
        assertEquals("http://10.96.232.136:6666", plugin.path("etcd_endpoints").asText());
        assertEquals("node-a", plugin.path("nodename").asText());
        assertEquals("tabby-ipam", plugin.path("ipam").path("type").asText());
        // The launcher runs on this host, with this host's java, from the files the image copied.
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("tabby-cni").toString()).redirectErrorStream(true);
        pb.environment().put("CNI_COMMAND", "VERSION");
        pb.environment().put("TABBY_CNI_SOCKET", bin.resolve("no-daemon.sock").toString());
        Result version = run(pb, "{\"cniVersion\":\"1.0.0\"}");
        assertEquals(0, version.code, version.out);
        assertTrue(version.out.contains("supportedVersions"), version.out);
    }

    @Test
    void theCtlImageRunsTabbyctlAndTheProbeImageItsCli() {
        Result ctl = podmanRun(ref("tabby/ctl"), "--help");
        assertEquals(0, ctl.code, ctl.out);
        assertTrue(ctl.out.contains("node"), "tabbyctl --help names no node command:\n" + ctl.out);
        Result check = podmanRun(ref("tabby/requirements-probe"), "check", "--help");
        assertEquals(0, check.code, check.out);
        // services.yaml's preflight-probe passes --host-root: the CLI must know it.
        assertTrue(check.out.contains("--host-root"), check.out);
        Result bad = podmanRun(ref("tabby/requirements-probe"), "check", "--no-such-flag");
        assertFalse(bad.code == 0, "the CLI's failure is not passed through");
    }

    private static String ref(String image) {
        return "localhost/" + image + ":" + version;
    }

    /** The base image an image was built on: its FROM, as podman records it in the image's history. */
    private static String base(String image) {
        String flavour = script("_images_conf " + image + " base").out.strip();
        return script("images_base " + flavour).out.strip();
    }

    private static List<String> layers(String ref) {
        Result r = run("podman", "image", "inspect", "--format", "{{range .RootFS.Layers}}{{println .}}{{end}}", ref);
        assertEquals(0, r.code, r.out);
        return r.out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static Path temp(String prefix) throws IOException {
        Path t = Files.createTempDirectory(prefix);
        temps.add(t);
        return t;
    }

    private static Result podmanRun(String... args) {
        // --network none: podman's default network is a bridge on this host (cni-podman0, its iptables rules and
        // ip_forward=1), and a test never touches the host's network.
        List<String> cmd = new ArrayList<>(List.of("podman", "run", "--rm", "--runtime", "runc", "--network", "none",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd.toArray(String[]::new));
    }

    /** A function of scripts/images.sh, with lib.sh and cni.sh sourced as bin/tabby does. */
    private static Result script(String call) {
        return run("bash", "-c", "set -euo pipefail; source scripts/lib.sh; source scripts/cni.sh; source scripts/images.sh; "
                + call);
    }

    private record Result(int code, String out) {
    }

    private static Result run(String... cmd) {
        return run(new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true), null);
    }

    private static Result run(ProcessBuilder pb, String stdin) {
        try {
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + pb.command() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + pb.command(), e);
        }
    }
}
