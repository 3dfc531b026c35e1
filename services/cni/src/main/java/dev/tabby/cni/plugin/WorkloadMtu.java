package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * The workload's MTU. vxlan-manager works out the node's tunnel MTU once and publishes it in a file
 * ({@link PluginContext#DEFAULT_MTU_FILE}), as Felix publishes /var/lib/calico/mtu; the plugin takes it from there
 * unless the network configuration sets {@code mtu}, as Calico's plugin does (cni-plugin release-v3.18
 * pkg/plugin/plugin.go, internal/pkg/utils/utils.go MTUFromFile). Without the file (no vxlan-manager on the node),
 * the uplink MTU less the encapsulation overhead ({@link MtuDetector}).
 */
final class WorkloadMtu {
    private static final Logger LOG = Logger.getLogger(WorkloadMtu.class);

    private WorkloadMtu() {
    }

    /**
     * @param configured the configuration's {@code mtu}, 0 for none
     * @param file       the node's published tunnel MTU
     * @param detect     the fallback when there is no file
     */
    static int choose(int configured, Path file, IntSupplier detect) {
        OptionalInt published = read(file);
        if (configured > 0) {
            // Deliberately stricter than Calico, which trusts the configuration: a workload MTU above the tunnel's
            // means packets the tunnel cannot carry (dropped, or fragmented), so the tunnel MTU caps it.
            if (published.isPresent() && configured > published.getAsInt()) {
                LOG.infof("event=cni_mtu_clamped configured=%d tunnel_mtu=%d file=%s", configured, published.getAsInt(), file);
                return published.getAsInt();
            }
            return configured;
        }
        return published.isPresent() ? published.getAsInt() : detect.getAsInt();
    }

    /** The file's MTU; empty when there is no file or it says 0 (Calico's "none"). */
    static OptionalInt read(Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException absent) {
            return OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            throw new CniError(CniError.IO_FAILURE, "cannot read the node's MTU file " + file + ": " + e.getMessage()
                    + "; fix its permissions or remove it (vxlan-manager writes it again)");
        }
        String t = text.strip();
        int mtu;
        try {
            mtu = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            mtu = -1;
        }
        if (mtu == 0) {
            return OptionalInt.empty();
        }
        if (mtu < 68 || mtu > 65535) {
            throw new CniError(CniError.DECODING_FAILURE, "the node's MTU file " + file + " holds \"" + shorten(t)
                    + "\", not an MTU (a whole number 68..65535); remove it or let vxlan-manager write it again");
        }
        return OptionalInt.of(mtu);
    }

    private static String shorten(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 40 ? one : one.substring(0, 40) + "...";
    }
}
