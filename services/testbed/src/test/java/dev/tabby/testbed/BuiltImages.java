package dev.tabby.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The images, built by {@code bin/tabby images}' script from what Maven has packaged in this run (no nested build). The base
 * images are cached under var/images, so only the first test class of a run pays for them.
 */
final class BuiltImages {
    private static boolean built;

    private BuiltImages() {
    }

    static synchronized void ensure(Path root) throws IOException, InterruptedException {
        if (built) {
            return;
        }
        // The script function, not bin/tabby images (whose build would run Maven inside this Maven run).
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail; source scripts/lib.sh; source scripts/cni.sh;"
                + " source scripts/images.sh; images_build").directory(root.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), "bin/tabby images failed:\n" + out);
        built = true;
    }
}
