package dev.tabby.charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Tabby checkout the tests read (tabby.root, set by this module's pom), and what they need from it. */
final class Checkout {
    private static final Pattern PROJECT_VERSION = Pattern.compile("(?m)^  <version>([^<]+)</version>");

    private Checkout() {
    }

    static Path root() {
        return Path.of(System.getProperty("tabby.root", "..")).toAbsolutePath().normalize();
    }

    static Path chart() {
        return ChartRender.chartDir(root());
    }

    static Path ci(String file) {
        return chart().resolve("ci").resolve(file);
    }

    /** The Maven project's version as bin/tabby images reads it: the root pom's first project-level version. */
    static String projectVersion() {
        try {
            Matcher m = PROJECT_VERSION.matcher(Files.readString(root().resolve("pom.xml")));
            if (!m.find()) {
                throw new IllegalStateException("no project <version> in " + root().resolve("pom.xml"));
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
