package dev.tabby.probe.host;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The probed kernel's release and machine architecture, with where each came from.
 *
 * <p>Release: {@code /proc/sys/kernel/osrelease}, else the third word of {@code /proc/version}, else (live host only)
 * the JVM's {@code os.version}. Architecture: {@code /proc/sys/kernel/arch} (what {@code uname -m} prints; fixture
 * roots provide this file), else (live host only) the JVM's {@code os.arch}, else an architecture suffix of the
 * release string ({@code .x86_64}, {@code .aarch64}, {@code .ppc64le}, {@code .s390x}, as RHEL and Fedora name them).
 *
 * @param release       the release string, or empty with {@code releaseProblem} saying why
 * @param releaseSource where it was read
 * @param machine       the raw machine name ({@code x86_64}, {@code aarch64}, ...), or empty with {@code archProblem}
 * @param archSource    where it was read
 */
public record KernelFacts(Optional<String> release, String releaseSource, String releaseProblem,
                          Optional<String> machine, String archSource, String archProblem) {

    private static final Pattern PROC_VERSION = Pattern.compile("^Linux version (\\S+)");
    private static final Pattern RELEASE_ARCH = Pattern.compile("\\.(x86_64|aarch64|ppc64le|s390x|ppc64|i[3-6]86|armv7hl)$");

    public static KernelFacts read(HostRoot host) {
        StringBuilder why = new StringBuilder();
        Optional<String> release = Optional.empty();
        String releaseSource = "";
        FileText osrelease = host.read("/proc/sys/kernel/osrelease");
        if (osrelease.ok() && osrelease.firstLine().isPresent()) {
            release = osrelease.firstLine();
            releaseSource = osrelease.shown();
        } else {
            why.append(osrelease.ok() ? osrelease.shown() + " is empty" : osrelease.describe());
            FileText version = host.read("/proc/version");
            Optional<String> fromVersion = version.firstLine().map(PROC_VERSION::matcher).filter(Matcher::find)
                    .map(m -> m.group(1));
            if (fromVersion.isPresent()) {
                release = fromVersion;
                releaseSource = version.shown();
            } else {
                why.append("; ").append(version.ok() ? version.shown() + " does not start with 'Linux version'"
                        : version.describe());
                if (host.live()) {
                    release = Optional.ofNullable(System.getProperty("os.version"));
                    releaseSource = "the JVM's os.version";
                }
            }
        }

        Optional<String> machine = Optional.empty();
        String archSource = "";
        StringBuilder archWhy = new StringBuilder();
        FileText arch = host.read("/proc/sys/kernel/arch");
        if (arch.ok() && arch.firstLine().isPresent()) {
            machine = arch.firstLine();
            archSource = arch.shown();
        } else {
            archWhy.append(arch.ok() ? arch.shown() + " is empty" : arch.describe());
            if (host.live()) {
                machine = Optional.ofNullable(System.getProperty("os.arch"));
                archSource = "the JVM's os.arch";
            } else if (release.isPresent()) {
                Matcher m = RELEASE_ARCH.matcher(release.get());
                if (m.find()) {
                    machine = Optional.of(m.group(1));
                    archSource = "the release string " + release.get();
                } else {
                    archWhy.append("; the release string ").append(release.get()).append(" does not name one");
                }
            }
        }
        return new KernelFacts(release, releaseSource, release.isPresent() ? null : why.toString(),
                machine.map(s -> s.trim().toLowerCase(Locale.ROOT)), archSource,
                machine.isPresent() ? null : archWhy.toString());
    }

    public Optional<KernelVersion> version() {
        return release.flatMap(KernelVersion::parse);
    }
}
