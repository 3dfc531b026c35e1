package dev.tabby.testbed.routers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Files in a router's work directory: its configuration, control socket and log. */
final class WorkDirs {
    // sun_path holds 108 bytes with the terminating NUL.
    private static final int MAX_SOCKET_PATH = 107;

    private WorkDirs() {
    }

    static Path prepare(Path workDir) {
        Path dir = workDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create router work dir " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** A control socket's path in {@code dir}; unix sockets cannot have long paths, so a long one is refused here. */
    static Path socket(Path dir, String name) {
        Path p = dir.resolve(name);
        if (p.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("router work dir " + dir + " is too long for a unix socket path ("
                    + p.toString().length() + " > " + MAX_SOCKET_PATH + " bytes): use a shorter work dir");
        }
        return p;
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code text} to {@code file} whole: a daemon re-reading it never sees half a file. */
    static void write(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
