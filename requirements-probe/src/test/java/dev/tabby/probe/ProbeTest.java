package dev.tabby.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.host.HostRoot;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeTest {
    @TempDir
    Path tmp;

    private static Check throwing(String id, RuntimeException e) {
        return new Check() {
            @Override
            public List<String> ids() {
                return List.of(id);
            }

            @Override
            public List<CheckResult> run(ProbeContext ctx) {
                throw e;
            }
        };
    }

    @Test
    void aCheckThatThrowsBecomesAWarningAndTheRunGoesOn() {
        Check ok = new Check() {
            @Override
            public List<String> ids() {
                return List.of("b");
            }

            @Override
            public List<CheckResult> run(ProbeContext ctx) {
                return List.of(CheckResult.pass("b", "fine", "x"));
            }
        };
        Probe probe = new Probe(List.of(throwing("a", new IllegalStateException("boom\nsecond line")), ok));
        Report r = probe.run(ProbeContext.builder(HostRoot.at(tmp)).node("n").build());
        assertEquals(List.of("a", "b"), r.checks().stream().map(CheckResult::id).toList());
        assertEquals(Status.WARN, r.checks().get(0).status());
        assertEquals("the probe could not run this check: IllegalStateException: boom", r.checks().get(0).observed());
        assertEquals(Status.PASS, r.checks().get(1).status());
    }

    @Test
    void theOrderIsTheIssuesOrder() {
        List<String> ids = new Probe().ids();
        assertEquals(List.of("arch", "kernel-version", "distro", "iface-cali", "iface-tunl", "iface-vxlan",
                "networkmanager", "datastore", "port-tcp-179", "proto-ipip", "port-udp-4789", "port-tcp-5473",
                "port-tcp-2379", "port-tcp-6443", "cap-sys-admin"), ids.subList(0, 15));
        assertEquals("module-ip_set", ids.get(15));
        assertEquals("module-ipip", ids.get(36));
        assertEquals(List.of("iptables-backend", "mtu", "default-route"), ids.subList(37, 40));
        assertEquals(40, ids.size());
    }

    @Test
    void modesParse() {
        assertEquals(Mode.DEFAULT, Mode.parseList("bgp, IPIP"));
        assertTrue(Mode.parseList("vxlan").contains(Mode.VXLAN));
    }
}
