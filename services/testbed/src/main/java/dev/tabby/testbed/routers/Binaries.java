package dev.tabby.testbed.routers;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds a router's programs, and says which Debian package to install when one is missing. */
final class Binaries {
    // sbin directories are searched too: a non-login root shell may not have them on PATH, and bird lives there.
    private static final List<String> EXTRA_DIRS = List.of("/usr/sbin", "/sbin", "/usr/local/sbin");

    private Binaries() {
    }

    /**
     * The absolute path of {@code program} (a name looked up on PATH, or an absolute path), or an exception telling
     * the operator how to install {@code debianPackage}.
     */
    static Path require(String program, String debianPackage) {
        if (program.startsWith("/")) {
            Path p = Path.of(program);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw missing(program, debianPackage);
        }
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(EXTRA_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw missing(program, debianPackage);
    }

    private static IllegalStateException missing(String program, String debianPackage) {
        return new IllegalStateException(program + " is not installed: run bin/tabby test or apt-get install "
                + debianPackage);
    }
}
