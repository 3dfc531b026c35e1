package dev.tabby.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/install/tabby.yaml is the chart's render, as bin/tabby manifest writes it. */
class ManifestTest {
    @Test
    void theInstallManifestIsAFreshRender() throws IOException {
        Path file = Checkout.root().resolve(ManifestMain.MANIFEST);
        assertTrue(Files.isRegularFile(file), ManifestMain.MANIFEST + " is missing; run bin/tabby manifest");
        String fresh = ManifestMain.render(Checkout.root());
        // assertEquals on the text would print both files; the first differing line says enough.
        String current = Files.readString(file);
        if (!current.equals(fresh)) {
            String[] a = current.split("\n", -1);
            String[] b = fresh.split("\n", -1);
            int i = 0;
            while (i < a.length && i < b.length && a[i].equals(b[i])) {
                i++;
            }
            throw new AssertionError(ManifestMain.MANIFEST + " differs from the chart's render at line " + (i + 1)
                    + " (file: \"" + (i < a.length ? a[i] : "<end>") + "\", render: \"" + (i < b.length ? b[i] : "<end>")
                    + "\"); run bin/tabby manifest");
        }
    }

    @Test
    void theManifestNamesTheEtcdToEdit() {
        String fresh = ManifestMain.render(Checkout.root());
        assertTrue(fresh.startsWith("# "), "the manifest starts with what to edit");
        long daemonSets = Rendered.parse(fresh).stream().filter(o -> o instanceof DaemonSet).count();
        assertEquals(4, daemonSets, "VXLAN mode's four DaemonSets");
        assertTrue(fresh.contains("value: \"" + ManifestMain.PLACEHOLDER_ETCD + "\""), "the placeholder etcd");
    }
}
