package dev.tabby.testbed.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.testbed.containers.ServiceDeclarations.Declaration;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** charts/tabby/services.yaml as the testbed reads it, and what a broken declaration is told. */
class ServiceDeclarationsTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Set<String> LEAST_PRIVILEGE = Set.of("NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_ADMIN");

    @Test
    void theRepositorysDeclarationsGiveEachServiceOnlyWhatItNeeds() {
        ServiceDeclarations d = ServiceDeclarations.load(ROOT);
        assertEquals(List.of("tabby/vxlan-manager", "tabby/ipip-manager", "tabby/bgp-speaker", "tabby/policy-renderer",
                "tabby/requirements-probe", "tabby/cni", "tabby/ctl"), d.images());
        for (Declaration s : d.all()) {
            assertTrue(LEAST_PRIVILEGE.containsAll(s.capabilities()), s.service() + " asks for " + s.capabilities());
        }
        assertEquals(List.of("NET_ADMIN"), d.of("vxlan-manager").capabilities());
        assertEquals(List.of("NET_ADMIN", "NET_RAW"), d.of("policy-renderer").capabilities());
        assertEquals(List.of("NET_ADMIN", "NET_BIND_SERVICE"), d.of("bgp-speaker").capabilities());
        // SYS_ADMIN only where a namespace is entered or made: the CNI daemon (setns) and the probe (unshare).
        assertEquals(Set.of("cni-daemon", "requirements-probe", "preflight-probe"), Set.copyOf(d.all().stream()
                .filter(s -> s.capabilities().contains("SYS_ADMIN")).map(Declaration::service).toList()));
        assertEquals(9182, d.of("vxlan-manager").httpPort());
        assertEquals(9181, d.of("ipip-manager").httpPort());
        assertEquals(0, d.of("cni-daemon").httpPort());
        assertTrue(d.of("policy-renderer").procSysWritable());
        assertFalse(d.of("vxlan-manager").procSysWritable());
        assertTrue(d.of("cni-daemon").hostPid());
        assertEquals("/host", d.of("preflight-probe").hostPaths().get(0).mountPath());
        assertEquals("/var/lib/tabby", d.of("vxlan-manager").hostPaths().get(0).mountPath(), "mountPath defaults to path");
    }

    @Test
    void aBrokenDeclarationIsNamed() {
        IllegalStateException noImage = assertThrows(IllegalStateException.class, () -> ServiceDeclarations.parse(
                "services:\n  x:\n    role: daemon\n", "f.yaml"));
        assertEquals("f.yaml: services.x has no image", noImage.getMessage());
        IllegalStateException role = assertThrows(IllegalStateException.class, () -> ServiceDeclarations.parse(
                "services:\n  x:\n    image: a\n    role: sidecar\n", "f.yaml"));
        assertEquals("f.yaml: services.x.role \"sidecar\" is not daemon, init or hook", role.getMessage());
        IllegalStateException procSys = assertThrows(IllegalStateException.class, () -> ServiceDeclarations.parse(
                "services:\n  x:\n    image: a\n    role: daemon\n    procSys: rw\n", "f.yaml"));
        assertTrue(procSys.getMessage().contains("procSys \"rw\""), procSys.getMessage());
        assertThrows(IllegalStateException.class, () -> ServiceDeclarations.parse("nothing: here\n", "f.yaml"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ServiceDeclarations.load(ROOT).of("felix"));
        assertTrue(unknown.getMessage().startsWith("charts/tabby/services.yaml declares no service \"felix\""), unknown.getMessage());
    }
}
