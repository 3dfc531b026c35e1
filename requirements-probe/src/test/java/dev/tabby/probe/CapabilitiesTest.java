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
}
