package dev.tabby.dataplane.mtu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.jboss.logging.Logger;

/**
 * The workload MTU published on the node, as Felix writes /var/lib/calico/mtu (dataplane/linux/int_dataplane.go,
 * writeMTUFile): the decimal MTU and nothing else, mode 0644, its directory made when missing. The CNI plugin reads
 * it unless its own config sets an MTU, so pods and the tunnel devices agree. vxlan-manager and ipip-manager both
 * write it, each the same {@link PodMtu}. Written atomically (a temporary file in the
 * same directory, then a rename), so a reader never sees half a number; rewritten only when the MTU changes (or the
 * file was removed or altered). Apply thread only.
 */
public final class MtuFile {
    private static final Logger LOG = Logger.getLogger(MtuFile.class);

    private final Path path;
    private int written;

    public MtuFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /** Makes the file say {@code mtu}; returns whether it wrote. */
    public boolean publish(int mtu) throws IOException {
        String want = Integer.toString(mtu);
        if (want.equals(current())) {
            written = mtu; // a restarted service, or the other overlay's manager, already wrote it
            return false;
        }
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, want, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        LOG.infof("event=mtu_file_written path=%s mtu=%d previous=%s", path, mtu, written == 0 ? "none" : written);
        written = mtu;
        return true;
    }

    private String current() {
        try {
            return Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return null;
        }
    }
}
