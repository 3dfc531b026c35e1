package dev.tabby.probe.host;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The numeric part of a kernel release: {@code 6.18.44-fc-v657} is 6.18.44. */
public record KernelVersion(int major, int minor, int patch) implements Comparable<KernelVersion> {
    private static final Pattern LEADING = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    public static KernelVersion of(int major, int minor) {
        return new KernelVersion(major, minor, 0);
    }

    /** Parses the start of a release string; empty when it does not begin with {@code N.N}. */
    public static Optional<KernelVersion> parse(String release) {
        if (release == null) {
            return Optional.empty();
        }
        Matcher m = LEADING.matcher(release.trim());
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean atLeast(int maj, int min) {
        return compareTo(of(maj, min)) >= 0;
    }

    @Override
    public int compareTo(KernelVersion o) {
        if (major != o.major) {
            return Integer.compare(major, o.major);
        }
        if (minor != o.minor) {
            return Integer.compare(minor, o.minor);
        }
        return Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
