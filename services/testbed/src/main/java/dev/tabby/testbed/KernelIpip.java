package dev.tabby.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Whether this kernel can do IP-in-IP, before {@code up --mode ipip} builds a cluster that could never be ready: the
 * module is loaded, built in (tunl0 exists), or modprobe could load it (the running kernel's modules.dep lists it).
 */
final class KernelIpip {
    private KernelIpip() {
    }

    static boolean available() {
        if (Files.exists(Path.of("/sys/module/ipip")) || Files.exists(Path.of("/sys/class/net/tunl0"))) {
            return true;
        }
        try {
            String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            Path dep = Path.of("/lib/modules", release, "modules.dep");
            if (!Files.exists(dep)) {
                return false;
            }
            try (Stream<String> lines = Files.lines(dep)) {
                return lines.anyMatch(l -> l.matches("^\\S*/ipip\\.ko(\\.\\w+)?:.*"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel's module list", e);
        }
    }
}
