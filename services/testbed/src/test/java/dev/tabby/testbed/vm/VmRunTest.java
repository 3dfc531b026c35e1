package dev.tabby.testbed.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/tabby vm run} boots Debian's stock kernel under qemu with the host's root read-only under an overlay and
 * the current directory read-write, and runs a command there as a test inside needs it. One boot carries most
 * assertions (a boot takes about 10 s under TCG).
 */
class VmRunTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    /** A file the command creates under /usr inside; it must land in the VM's tmpfs overlay, never on the host. */
    private static final Path USR_PROBE = Path.of("/usr/tabby-t-vm-run-probe");

    private Path dir;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void makeDirectory() throws IOException {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        dir = Files.createTempDirectory(target, "vm-run-test-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        Files.deleteIfExists(USR_PROBE);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void runsTheCommandInADebianKernelWithModulesAndAWritableDirectory() throws Exception {
        String script = String.join("\n",
                "echo \"kernel=$(uname -r)\"",
                "echo \"pwd=$(pwd)\"",
                "echo \"env=$TABBY_T_VM_VALUE\"",
                "echo written-inside > written.txt",
                "echo probe > " + USR_PROBE + " && echo usr-write-done",
                "modprobe ipip && ip -d link show tunl0 | sed 's/^/tunl0: /'",
                "ip netns add tabby-t-vm && ip netns list | sed 's/^/netns: /'",
                "echo to-stderr >&2",
                "exit 7");
        long start = System.nanoTime();
        int exit = VmRun.of(ROOT).in(dir).env("TABBY_T_VM_VALUE", "a b'c").timeoutSeconds(300)
                .run(List.of("bash", "-c", script), lines::add);
        System.out.printf("event=vm-run-boot seconds=%.1f%n", (System.nanoTime() - start) / 1e9);
        String out = String.join("\n", lines);

        assertEquals(7, exit, "the command's exit code comes back; output:\n" + out);
        assertTrue(lines.contains("to-stderr"), "stderr reaches the sink:\n" + out);
        String kernel = valueOf("kernel=");
        assertNotEquals(System.getProperty("os.version"), kernel, "the VM runs its own kernel, not the host's");
        assertTrue(kernel.matches("\\d+\\.\\d+\\.\\d+-\\d+-amd64"), "Debian's kernel names itself N.N.N-N-amd64: " + kernel);
        assertEquals(dir.toRealPath().toString(), valueOf("pwd="), "the command runs in the caller's directory");
        assertEquals("a b'c", valueOf("env="), "TABBY_ variables reach the command");
        Path written = dir.resolve("written.txt");
        assertTrue(Files.exists(written), "a write in the current directory inside reaches the host:\n" + out);
        assertEquals("written-inside\n", Files.readString(written, StandardCharsets.UTF_8),
                "a write in the current directory inside reaches the host");
        assertTrue(lines.contains("usr-write-done"), "the write to /usr happened inside:\n" + out);
        assertFalse(Files.exists(USR_PROBE), "a write to /usr inside stays in the VM's overlay");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("tunl0: ") && l.contains("ipip")),
                "modprobe ipip creates tunl0 inside:\n" + out);
        assertTrue(lines.contains("netns: tabby-t-vm"), "ip netns add works inside:\n" + out);
    }

    @Test
    void killsTheVmWhenTheCommandOutlivesTheTimeout() throws Exception {
        int exit = VmRun.of(ROOT).in(dir).timeoutSeconds(20).run(List.of("sleep", "600"), lines::add);
        assertEquals(VmRun.TIMED_OUT, exit, String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("tabby: error: vm run timed out after 20 s")),
                String.join("\n", lines));
    }

    @Test
    void aBadOptionIsTheRunnersErrorNotTheCommands() {
        VmRun.VmRunException e = assertThrows(VmRun.VmRunException.class,
                () -> VmRun.of(ROOT).in(dir).memory("lots").run(List.of("true"), lines::add));
        assertTrue(e.getMessage().contains("--mem must be a size like 3G or 512M, not 'lots'"), e.getMessage());
    }

    private String valueOf(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in:\n" + String.join("\n", lines)));
    }
}
