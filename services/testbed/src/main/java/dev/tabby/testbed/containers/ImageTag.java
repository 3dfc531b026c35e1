package dev.tabby.testbed.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tag of the images {@code bin/tabby images} builds: the Maven project's version, as the chart's appVersion is,
 * so the testbed, the chart and the images name the same thing.
 */
public final class ImageTag {
    /** The parent's own version: the first {@code <version>} after {@code <artifactId>tabby-parent</artifactId>}. */
    private static final Pattern VERSION = Pattern.compile("<artifactId>tabby-parent</artifactId>\\s*<version>([^<]+)</version>");

    private ImageTag() {
    }

    public static String of(Path root) {
        Path pom = root.resolve("pom.xml");
        try {
            Matcher m = VERSION.matcher(Files.readString(pom));
            if (!m.find()) {
                throw new IllegalStateException(pom + " names no tabby-parent version; the image tag comes from it");
            }
            return m.group(1).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + pom + " for the image tag: " + e.getMessage(), e);
        }
    }
}
