package dev.tabby.netlink.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Receive buffers past net.core.rmem_max: SO_RCVBUFFORCE with CAP_NET_ADMIN; without it, the capped SO_RCVBUF and a
 * refusal the caller can see.
 */
class ReceiveBufferTest {
    private static final int CAP_NET_ADMIN = 12;

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static int rmemMax() throws Exception {
        // One buffered read: a sysctl file read from a non-zero offset is empty, so Files.readString gets one byte.
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max")).get(0).strip());
    }

    private static boolean haveCapNetAdmin() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << CAP_NET_ADMIN)) != 0;
            }
        }
        return false;
    }

    @Test
    void withCapNetAdminTheBufferGoesPastRmemMax() throws Exception {
        assumeTrue(haveCapNetAdmin(), "the test runs without CAP_NET_ADMIN");
        TestNamespace ns = netns.create();
        int asked = rmemMax() * 2;
        try (NetnsThread thread = NetnsThread.enter(ns.path());
                NetlinkSocket socket = thread.call(() -> NetlinkSocket.open(0, asked))) {
            ReceiveBuffer got = socket.receiveBuffer();
            assertTrue(got.forced(), got.toString());
            assertEquals(asked, got.asked());
            assertTrue(got.effective() >= asked, "got " + got.effective() + " of " + asked + " (rmem_max " + rmemMax() + ")");
            assertFalse(got.refused());
        }
    }

    @Test
    void withoutCapNetAdminTheCappedSizeIsUsedAndReported() throws Exception {
        String setpriv = firstExisting("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv");
        assumeTrue(setpriv != null, "setpriv (util-linux) is not installed");
        TestNamespace ns = netns.create();
        int rmemMax = rmemMax();
        int asked = rmemMax * 4; // the kernel doubles the capped value: 2 x rmem_max is still short of this
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), setpriv,
                "--inh-caps=-net_admin", "--ambient-caps=-net_admin", "--bounding-set=-net_admin", "--",
                java, "-cp", classpath, ReceiveBufferMain.class.getName(), Integer.toString(asked)));
        Path out = Files.createTempFile("tabby-rcvbuf-", ".out");
        Path err = Files.createTempFile("tabby-rcvbuf-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child did not finish within 60 s: " + cmd);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), stdout + stderr);
            assertEquals("asked=" + asked + " effective=" + (2 * rmemMax) + " forced=false refused=true", stdout.strip(), stderr);
            String line = "event=netlink_rcvbuf_refused asked=" + asked + " got=" + (2 * rmemMax)
                    + " remedy=\"raise net.core.rmem_max or run with CAP_NET_ADMIN\"";
            assertEquals(1, stderr.split(Pattern.quote(line), -1).length - 1, "logged once: " + stderr);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }
}
