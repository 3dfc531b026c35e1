package dev.tabby.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options a Tabby service runs with, as its image runs it: the one argument file every service JVM reads
 * (images/jvm/service.args, issue 16) and, for a Quarkus fast-jar built with its AppCDS archive, that archive.
 */
public final class ServiceJvm {
    /** Where the shared flags live, relative to the tree's root; images carry it as /opt/tabby/jvm/service.args. */
    public static final String ARGS_FILE = "images/jvm/service.args";
    /** The class-data archive Quarkus writes beside quarkus-run.jar (quarkus.package.jar.appcds.enabled). */
    public static final String APPCDS_ARCHIVE = "app-cds.jsa";

    /**
     * glibc makes up to 8 malloc arenas per core for a JVM's many threads, each keeping its own free memory; two are
     * plenty for a node agent (measured: ~3 MB less PSS per service). The images set it too (ENV in their
     * Containerfiles).
     */
    public static final String MALLOC_ARENA_MAX = "MALLOC_ARENA_MAX";
    public static final String MALLOC_ARENAS = "2";

    private ServiceJvm() {
    }

    /** {@code @<root>/images/jvm/service.args}; fails with the remedy when the tree has no such file. */
    public static List<String> flags(Path root) {
        // Absolute: a service runs in its fast-jar's directory, not the caller's.
        Path args = root.toAbsolutePath().resolve(ARGS_FILE);
        if (!Files.isRegularFile(args)) {
            throw new IllegalStateException("no JVM argument file " + args + "; restore " + ARGS_FILE + " from git");
        }
        return List.of("@" + args);
    }

    /**
     * The flags plus {@code -XX:SharedArchiveFile} when the fast-jar in {@code quarkusApp} (target/quarkus-app) was built
     * with its archive; without one the JVM starts as well, only slower. The JVM must run in {@code quarkusApp}
     * (its working directory): the archive names quarkus-run.jar relative to it, and a JVM elsewhere refuses the
     * archive with a warning and starts without it.
     */
    public static List<String> quarkusFlags(Path root, Path quarkusApp) {
        List<String> out = new ArrayList<>(flags(root));
        Path archive = quarkusApp.toAbsolutePath().resolve(APPCDS_ARCHIVE);
        if (Files.isRegularFile(archive)) {
            out.add("-XX:SharedArchiveFile=" + archive);
        }
        return out;
    }
}
