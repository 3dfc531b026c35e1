package dev.tabby.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.probe.testing.ChildJvm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real capability sets: the probe run without CAP_SYS_ADMIN (setpriv, else capsh) says cap-sys-admin fails. */
class CapabilitiesTest {

    @Test
    void withoutCapSysAdminTheCheckFails() throws Exception {
        String setpriv = ChildJvm.firstExisting("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv");
        String capsh = ChildJvm.firstExisting("/usr/sbin/capsh", "/sbin/capsh", "/usr/bin/capsh");
        assumeTrue(setpriv != null || capsh != null, "neither setpriv (util-linux) nor capsh (libcap2-bin) is installed");
        List<String> wrapper = setpriv != null
                ? List.of(setpriv, "--inh-caps=-sys_admin", "--ambient-caps=-sys_admin", "--bounding-set=-sys_admin", "--")
                : List.of(capsh, "--drop=cap_sys_admin", "--");

        ChildJvm.Result r = ChildJvm.run(wrapper, Map.of(), "--only", "cap-sys-admin", "-o", "json");

        assertEquals(1, r.exitCode(), r.stderr());
        JsonNode check = ReportJson.read(r.stdout()).path("checks").get(0);
        assertEquals("cap-sys-admin", check.path("id").asText());
        assertEquals("fail", check.path("status").asText());
        assertTrue(check.path("observed").asText().contains("CAP_SYS_ADMIN no, CAP_NET_ADMIN yes, CAP_NET_RAW yes"),
                check.path("observed").asText());
        assertTrue(check.path("remedy").asText().startsWith("run Tabby as root or in a privileged container"));
    }

    @Test
    void withTheUsualRootCapabilitiesItPasses() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(), Map.of(), "--only", "cap-sys-admin");
        String status = new java.util.Scanner(new java.io.File("/proc/self/status")).findWithinHorizon(
                "CapEff:\\s*([0-9a-f]+)", 0);
        long caps = Long.parseUnsignedLong(status.replaceAll("CapEff:\\s*", ""), 16);
        assumeTrue((caps & (1L << 21)) != 0, "the test itself runs without CAP_SYS_ADMIN");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("cap-sys-admin   pass   CapEff "), r.stdout());
    }

    private static List<String> dropping(String cap) {
        String setpriv = ChildJvm.firstExisting("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv");
        assumeTrue(setpriv != null, "setpriv (util-linux) is not installed");
        return List.of(setpriv, "--inh-caps=-" + cap, "--ambient-caps=-" + cap, "--bounding-set=-" + cap, "--");
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no " + id + " in " + report);
    }

    @Test
    void withoutThePrivilegeForAScratchNamespaceTheInterfacesAreNotTested() throws Exception {
        ChildJvm.Result r = ChildJvm.run(dropping("sys_admin"), Map.of(), "--only", "iface-cali,iface-tunl,iface-vxlan",
                "-o", "json", "--mode", "vxlan,bgp");

        JsonNode report = ReportJson.read(r.stdout());
        for (String id : List.of("iface-cali", "iface-tunl", "iface-vxlan")) {
            JsonNode c = check(report, id);
            assertEquals("warn", c.path("status").asText(), c.toString());
            assertTrue(c.path("observed").asText().startsWith("not tested: could not make a scratch network namespace "
                    + "to test in: unshare(CLONE_NEWNET) failed: EPERM"), c.toString());
            assertTrue(c.path("remedy").asText().startsWith("run the probe as root"), c.toString());
        }
        assertEquals("untested (not tested: iface-vxlan, port-udp-4789; no blocker found)",
                report.path("summary").path("viability").path("vxlan").asText());
        assertEquals(0, r.exitCode(), "warnings only: " + r.stderr());
    }

    @Test
    void withoutCapNetAdminTheFirewallIsNotTested() throws Exception {
        assumeTrue(ChildJvm.firstExisting("/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft") != null
                || ChildJvm.firstExisting("/usr/sbin/iptables-nft-save", "/sbin/iptables-nft-save") != null,
                "no nft tool to be refused");
        ChildJvm.Result r = ChildJvm.run(dropping("net_admin"), Map.of(), "--only", "port-udp-4789,proto-ipip",
                "-o", "json", "--mode", "vxlan,bgp");

        JsonNode report = ReportJson.read(r.stdout());
        for (String id : List.of("port-udp-4789", "proto-ipip")) {
            JsonNode c = check(report, id);
            assertEquals("warn", c.path("status").asText(), c.toString());
            assertTrue(c.path("observed").asText().contains("not tested: whether the firewall drops it: rules "
                    + "unreadable (nftables: "), c.toString());
            assertTrue(c.path("remedy").asText().contains("run the probe as root (it needs CAP_NET_ADMIN"), c.toString());
        }
        assertTrue(report.path("summary").path("viability").path("vxlan").asText().startsWith("untested ("),
                report.path("summary").toString());
    }
}
