package dev.tabby.bgp.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A BGPPeer's TCP MD5 password and GTSM hop limit, from its annotations. Calico v3.18 takes the password only from a
 * Kubernetes secret ({@code spec.password.secretKeyRef}, read by confd's secret watcher, so not at all on an etcd
 * datastore) and has no GTSM; Tabby keeps manifests Calico-valid and reads both from annotations:
 * <ul>
 *   <li>{@value #PASSWORD_FILE}: an absolute path to a file on the node holding the password, one trailing newline
 *       stripped, used verbatim as BIRD uses {@code password "..."}.</li>
 *   <li>{@value #TTL_SECURITY_HOPS}: "1".."254", FRR's {@code ttl-security hops}.</li>
 * </ul>
 * A password file that group or others may read is used, with a warning: BIRD and FRR keep passwords in their config
 * files and never check modes, and a Kubernetes secret volume is 0644 unless told otherwise, so refusing would take
 * sessions down where those users expect them up.
 */
public final class PeerSecrets {
    public static final String PASSWORD_FILE = "bgp.tabby.dev/password-file";
    public static final String TTL_SECURITY_HOPS = "bgp.tabby.dev/ttl-security-hops";

    /** Enough to tell a too-long password from one that fits, with its line ending; nothing more is read. */
    private static final int READ_LIMIT = PeerPassword.MAX_OCTETS + 3;

    /** A password read from a file, and the warning to log about that file, if any (one line, no secret). */
    public record PasswordFile(Path path, PeerPassword password, Optional<String> warning) {
    }

    private PeerSecrets() {
    }

    /** The peer's password, or empty when it has no {@value #PASSWORD_FILE} annotation. */
    public static Optional<PasswordFile> password(String peer, Map<String, String> annotations)
            throws PeerSecretException {
        String value = annotations == null ? null : annotations.get(PASSWORD_FILE);
        if (value == null) {
            return Optional.empty();
        }
        String where = "BGPPeer " + peer + " annotation " + PASSWORD_FILE;
        if (value.isBlank()) {
            throw new PeerSecretException(where + " is empty: give the absolute path of the file holding the password");
        }
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            throw new PeerSecretException(where + " \"" + value + "\" is not a path: " + e.getReason());
        }
        if (!path.isAbsolute()) {
            throw new PeerSecretException(where + " \"" + value + "\" is not an absolute path: give it from /, e.g. "
                    + "/etc/tabby/bgp/" + peer + ".key");
        }
        return Optional.of(readPasswordFile(where, path));
    }

    /** The peer's GTSM hop limit, or empty when it has no {@value #TTL_SECURITY_HOPS} annotation. */
    public static OptionalInt ttlSecurityHops(String peer, Map<String, String> annotations)
            throws PeerSecretException {
        String value = annotations == null ? null : annotations.get(TTL_SECURITY_HOPS);
        if (value == null) {
            return OptionalInt.empty();
        }
        String trimmed = value.trim();
        String range = Gtsm.MIN_HOPS + ".." + Gtsm.MAX_HOPS;
        if (!trimmed.matches("[0-9]+")) {
            throw new PeerSecretException("BGPPeer " + peer + " annotation " + TTL_SECURITY_HOPS + " \"" + value
                    + "\" is not a number of hops: give " + range + " (1 for a directly connected peer)");
        }
        int hops = trimmed.length() > 3 ? Integer.MAX_VALUE : Integer.parseInt(trimmed);
        if (hops < Gtsm.MIN_HOPS || hops > Gtsm.MAX_HOPS) {
            throw new PeerSecretException("BGPPeer " + peer + " annotation " + TTL_SECURITY_HOPS + " \"" + value
                    + "\" is out of range: give " + range + " (1 for a directly connected peer)");
        }
        return OptionalInt.of(hops);
    }

    private static PasswordFile readPasswordFile(String where, Path path) throws PeerSecretException {
        String file = where + ": password file " + path;
        byte[] raw;
        try {
            if (Files.isDirectory(path)) {
                throw new PeerSecretException(file + " is a directory: name the file that holds the password");
            }
            try (InputStream in = Files.newInputStream(path)) {
                raw = in.readNBytes(READ_LIMIT);
            }
        } catch (NoSuchFileException e) {
            throw new PeerSecretException(file + " does not exist: create it, or fix the annotation");
        } catch (AccessDeniedException e) {
            throw new PeerSecretException(file + " is not readable by this process: allow it to read the file");
        } catch (IOException e) {
            throw new PeerSecretException(file + " cannot be read: " + e.getClass().getSimpleName());
        }
        try {
            int length = raw.length;
            if (length > 0 && raw[length - 1] == '\n') {
                length--;
                if (length > 0 && raw[length - 1] == '\r') {
                    length--;
                }
            }
            if (length == 0) {
                throw new PeerSecretException(file + " holds no password: write the password into it");
            }
            for (int i = 0; i < length; i++) {
                if (raw[i] == '\n' || raw[i] == '\r') {
                    throw new PeerSecretException(file + " holds more than one line: the password is the first line "
                            + "alone, with at most one newline after it");
                }
            }
            if (length > PeerPassword.MAX_OCTETS) {
                throw new PeerSecretException(file + " holds a password longer than " + PeerPassword.MAX_OCTETS
                        + " octets, the most TCP MD5 allows (TCP_MD5SIG_MAXKEYLEN): shorten it on both peers");
            }
            byte[] octets = Arrays.copyOf(raw, length);
            try {
                return new PasswordFile(path, PeerPassword.of(octets), widelyReadable(file, path));
            } finally {
                Arrays.fill(octets, (byte) 0);
            }
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static Optional<String> widelyReadable(String file, Path path) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(path);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        boolean group = perms.contains(PosixFilePermission.GROUP_READ);
        boolean others = perms.contains(PosixFilePermission.OTHERS_READ);
        if (!group && !others) {
            return Optional.empty();
        }
        String who = group && others ? "group and others" : group ? "its group" : "others";
        return Optional.of(file + " is readable by " + who + ": used anyway; chmod 600 it to keep the password to "
                + "its owner");
    }
}
