package dev.tabby.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.host.KernelVersion;
import dev.tabby.probe.modules.ModuleCatalog;
import dev.tabby.probe.modules.ModuleSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * This machine, probed for real: the module verdicts must agree with the kernel's own config (/proc/config.gz) and
 * with what the running kernel has registered (/proc/net/ip_tables_matches and _targets); the interface checks make
 * real interfaces in a scratch namespace and leave nothing behind.
 */
class RealHostTest {
    private static final Path CONFIG = Path.of("/proc/config.gz");

    private static Report probe(Set<Mode> modes, String... ids) {
        Set<String> wanted = Set.of(ids);
        ProbeContext ctx = ProbeContext.builder(HostRoot.system()).modes(modes).build();
        return new Probe().run(ctx, id -> wanted.isEmpty() ? id.startsWith("module-") : wanted.contains(id));
    }

    private static Map<String, String> kernelConfig() throws IOException {
        Map<String, String> config = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(CONFIG))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (line.startsWith("CONFIG_") && eq > 0) {
                    config.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        return config;
    }

    private static Set<String> lines(String file) throws IOException {
        Path p = Path.of(file);
        return Files.exists(p) ? new HashSet<>(Files.readAllLines(p).stream().map(String::trim).toList()) : Set.of();
    }

    @Test
    void moduleVerdictsAgreeWithTheKernelConfig() throws IOException {
        assumeTrue(Files.exists(CONFIG), "this kernel has no /proc/config.gz");
        Map<String, String> config = kernelConfig();
        Optional<KernelVersion> version = KernelVersion.parse(Files.readString(Path.of("/proc/sys/kernel/osrelease")));
        Report r = probe(Set.of(Mode.VXLAN, Mode.BGP));
        for (ModuleSpec spec : ModuleCatalog.specs(version)) {
            boolean built = spec.configSymbols().stream().anyMatch(s -> "y".equals(config.get(s)) || "m".equals(config.get(s)))
                    && (spec.gateSymbol() == null || "y".equals(config.get(spec.gateSymbol())));
            CheckResult c = r.check("module-" + spec.name()).orElseThrow();
            if (built) {
                assertEquals(Status.PASS, c.status(), spec.name() + ": " + c.observed());
            } else {
                assertNotEquals(Status.PASS, c.status(), spec.name() + " is not in the config: " + c.observed());
                assertTrue(c.observed().startsWith("missing"), c.observed());
            }
        }
    }

    @Test
    void moduleVerdictsAgreeWithWhatTheKernelRegistered() throws IOException {
        Set<String> matches4 = lines("/proc/net/ip_tables_matches");
        Set<String> targets4 = lines("/proc/net/ip_tables_targets");
        Set<String> matches6 = lines("/proc/net/ip6_tables_matches");
        assumeTrue(!matches4.isEmpty(), "no iptables matches registered here");
        boolean noModules = !Files.exists(Path.of("/proc/modules"));
        Optional<KernelVersion> version = KernelVersion.parse(Files.readString(Path.of("/proc/sys/kernel/osrelease")));
        Report r = probe(Set.of(Mode.VXLAN, Mode.BGP));
        int compared = 0;
        for (ModuleSpec spec : ModuleCatalog.specs(version)) {
            List<ModuleSpec.Functional> lists = spec.functional().stream().filter(ModuleSpec.Functional::isListEntry).toList();
            if (lists.isEmpty()) {
                continue;
            }
            boolean registered = lists.stream().anyMatch(f -> switch (f.path()) {
                case "/proc/net/ip_tables_matches" -> matches4.contains(f.entry());
                case "/proc/net/ip_tables_targets" -> targets4.contains(f.entry());
                case "/proc/net/ip6_tables_matches" -> matches6.contains(f.entry());
                default -> false;
            });
            CheckResult c = r.check("module-" + spec.name()).orElseThrow();
            if (registered) {
                assertEquals(Status.PASS, c.status(), spec.name() + " is registered: " + c.observed());
                compared++;
            } else if (noModules) {
                assertNotEquals(Status.PASS, c.status(), spec.name() + " is not registered and cannot be loaded: "
                        + c.observed());
                compared++;
            }
        }
        assertTrue(compared >= 10, "compared only " + compared + " modules");
    }

    @Test
    void interfacesAreMadeAndRemovedInAScratchNamespace() throws IOException {
        Report vxlan = probe(Set.of(Mode.VXLAN, Mode.BGP), "iface-cali", "iface-tunl", "iface-vxlan");
        Report ipip = probe(Set.of(Mode.IPIP, Mode.BGP), "iface-tunl");

        assertEquals(Status.PASS, vxlan.check("iface-cali").orElseThrow().status(), vxlan.check("iface-cali").orElseThrow().observed());
        assertEquals(Status.PASS, vxlan.check("iface-vxlan").orElseThrow().status(), vxlan.check("iface-vxlan").orElseThrow().observed());
        CheckResult tunlVxlan = vxlan.check("iface-tunl").orElseThrow();
        CheckResult tunlIpip = ipip.check("iface-tunl").orElseThrow();
        boolean kernelHasIpip = Files.exists(CONFIG) && !kernelConfig().getOrDefault("CONFIG_NET_IPIP", "n").equals("n");
        if (kernelHasIpip) {
            assertEquals(Status.PASS, tunlIpip.status(), tunlIpip.observed());
        } else if (Files.exists(CONFIG)) {
            assertEquals(Status.WARN, tunlVxlan.status(), tunlVxlan.observed());
            assertEquals(Status.FAIL, tunlIpip.status(), tunlIpip.observed());
            assertTrue(tunlIpip.observed().contains("IP-in-IP pools cannot work on this host"), tunlIpip.observed());
        }
        for (String name : List.of("cali1234567890a", "tabby-probe-p0", "vxlan.calico")) {
            assertFalse(Files.exists(Path.of("/sys/class/net", name)), name + " leaked into the host's namespace");
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("tabby-probe-netns")),
                "the scratch namespace thread is still alive");
    }

    @Test
    void thisMachineSaysWhichEncapsulationCanWork() throws IOException {
        assumeTrue(Files.exists(CONFIG), "this kernel has no /proc/config.gz");
        boolean kernelHasIpip = !kernelConfig().getOrDefault("CONFIG_NET_IPIP", "n").equals("n");
        Report r = probe(Mode.DEFAULT, "module-ipip", "iface-tunl", "iface-vxlan", "proto-ipip", "port-udp-4789",
                "port-tcp-179");
        if (!kernelHasIpip) {
            assertTrue(r.viability().get(Mode.IPIP).startsWith("cannot work here (iface-tunl, module-ipip"),
                    r.viability().toString());
            assertEquals(Status.FAIL, r.check("module-ipip").orElseThrow().status());
        }
        if (kernelConfig().getOrDefault("CONFIG_VXLAN", "n").matches("[ym]")) {
            assertEquals("can work here", r.viability().get(Mode.VXLAN), r.checks().toString());
        }
    }
}
