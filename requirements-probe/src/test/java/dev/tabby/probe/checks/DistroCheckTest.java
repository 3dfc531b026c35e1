package dev.tabby.probe.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.testing.FixtureHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistroCheckTest {
    @TempDir
    Path tmp;

    private Status status(String osRelease) {
        FixtureHost h = FixtureHost.at(tmp.resolve("h" + osRelease.hashCode())).file("/usr/lib/os-release", osRelease);
        CheckResult r = new DistroCheck().run(ProbeContext.builder(HostRoot.at(h.root())).build()).get(0);
        return r.status();
    }

    @Test
    void knownGoodAndLaterPassOthersWarn() {
        assertEquals(Status.PASS, status("ID=rhel\nVERSION_ID=\"7.9\"\n"));
        assertEquals(Status.PASS, status("ID=centos\nVERSION_ID=\"8\"\n"));
        assertEquals(Status.WARN, status("ID=centos\nVERSION_ID=\"6.10\"\n"));
        assertEquals(Status.PASS, status("ID=ubuntu\nVERSION_ID=\"24.04\"\n"));
        assertEquals(Status.WARN, status("ID=ubuntu\nVERSION_ID=\"14.04\"\n"));
        assertEquals(Status.PASS, status("ID=debian\nVERSION_ID=\"8\"\n"));
        assertEquals(Status.PASS, status("ID=debian\nPRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\n"));
        assertEquals(Status.PASS, status("ID=coreos\nVERSION_ID=2512.3.0\n"));
        assertEquals(Status.PASS, status("ID=flatcar\nVERSION_ID=3815.2.0\n"));
        assertEquals(Status.WARN, status("ID=alpine\nVERSION_ID=3.19.1\n"));
        assertEquals(Status.WARN, status("ID=ubuntu\nVERSION_ID=\"jammy\"\n"));
    }

    @Test
    void versionsCompareNumerically() {
        assertEquals(1, Integer.signum(DistroCheck.compareVersions("16.10", "16.04")));
        assertEquals(0, DistroCheck.compareVersions("7.0", "7"));
        assertEquals(-1, Integer.signum(DistroCheck.compareVersions("7", "16.04")));
    }
}
