package dev.tabby.renderer.manager;

import dev.tabby.dataplane.iptables.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What this host's iptables and kernel support, found as felix iptables/feature_detect.go finds it: the version
 * {@code iptables --version} prints and the kernel release. Only {@code --random-fully} depends on it here
 * (MASQUERADE needs iptables 1.6.2 and kernel 3.14; Felix uses the same test for SNAT).
 */
public final class Features {
    private static final Logger LOG = Logger.getLogger(Features.class);
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private Features() {
    }

    public static boolean randomFully(CommandRunner runner) {
        String iptables = "";
        try {
            CommandRunner.Result r = runner.run(List.of("iptables", "--version"), "");
            iptables = r.stdout();
        } catch (IllegalStateException e) {
            LOG.warnf("event=feature_detection_failed problem=\"%s\" assumed=\"no --random-fully\"", e.getMessage());
        }
        String kernel = "";
        try {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            LOG.warnf("event=feature_detection_failed problem=\"cannot read the kernel release\" assumed=\"no --random-fully\"");
        }
        boolean ok = atLeast(iptables, 1, 6, 2) && atLeast(kernel, 3, 14, 0);
        LOG.infof("event=features_detected iptables=\"%s\" kernel=%s random_fully=%s", iptables.strip(), kernel, ok);
        return ok;
    }

    static boolean atLeast(String text, int major, int minor, int patch) {
        Matcher m = VERSION.matcher(text);
        if (!m.find()) {
            return false;
        }
        int[] have = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))};
        int[] want = {major, minor, patch};
        for (int i = 0; i < 3; i++) {
            if (have[i] != want[i]) {
                return have[i] > want[i];
            }
        }
        return true;
    }
}
