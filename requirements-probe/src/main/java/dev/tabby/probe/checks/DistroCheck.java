package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.OsRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * distro: from os-release. The known-good distributions of the requirements page and their later releases pass;
 * anything else warns, never fails: the kernel checks decide whether Tabby can run.
 */
public final class DistroCheck implements Check {
    public static final String ID = "distro";
    private static final String REQUIRED = "a known-good distribution or a later release of one: RedHat 7, CentOS 7, "
            + "CoreOS Container Linux stable, Ubuntu 16.04, Debian 8";
    private static final String NOT_LISTED_REMEDY = "nothing to do if the other checks pass; the known-good "
            + "distributions are RedHat 7, CentOS 7, CoreOS Container Linux, Ubuntu 16.04 and Debian 8 and later";

    /** os-release ID and the first good VERSION_ID; an empty version means any release. */
    private static final Map<String, String> KNOWN_GOOD = Map.of(
            "rhel", "7", "centos", "7", "ubuntu", "16.04", "debian", "8",
            "coreos", "", // CoreOS Container Linux
            "flatcar", ""); // its continuation, Flatcar Container Linux

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        FileText file = ctx.host().read("/etc/os-release");
        if (file.missing()) {
            FileText fallback = ctx.host().read("/usr/lib/os-release");
            if (!fallback.missing()) {
                file = fallback;
            }
        }
        if (file.missing()) {
            return List.of(CheckResult.warn(ID, "cannot tell the distribution: neither " + file.shown()
                    + " nor /usr/lib/os-release is present", REQUIRED, NOT_LISTED_REMEDY));
        }
        if (file.unreadable()) {
            return List.of(CheckResult.warn(ID, "cannot tell the distribution: " + file.describe(), REQUIRED,
                    "make " + file.shown() + " a readable file"));
        }
        OsRelease os = OsRelease.parse(file.shown(), file.content());
        boolean binary = file.content().indexOf('\0') >= 0;
        if (binary || (os.get("ID").isEmpty() && os.get("NAME").isEmpty())) {
            return List.of(CheckResult.warn(ID, "cannot tell the distribution: " + file.shown() + " is not an "
                    + "os-release file (" + (binary ? "binary data" : "no ID or NAME; " + os.badLines()
                    + " lines are not KEY=value") + ")", REQUIRED, "restore " + file.shown()
                    + " from the distribution's base package"));
        }
        String id = os.id();
        String version = os.get("VERSION_ID").orElse("");
        List<String> notes = new ArrayList<>();
        notes.add(id + (version.isEmpty() ? "" : " " + version));
        notes.add(file.shown());
        if (os.badLines() > 0) {
            notes.add(os.badLines() + " malformed lines ignored");
        }
        String observed = os.prettyName() + " (" + String.join(", ", notes) + ")";
        String minimum = KNOWN_GOOD.get(id);
        if (minimum == null) {
            return List.of(CheckResult.warn(ID, observed + " is not on the known-good list", REQUIRED,
                    NOT_LISTED_REMEDY));
        }
        if (minimum.isEmpty()) {
            return List.of(CheckResult.pass(ID, observed, REQUIRED));
        }
        if (version.isEmpty()) {
            // Debian testing and unstable carry no VERSION_ID; they are newer than any release.
            return List.of(id.equals("debian") ? CheckResult.pass(ID, observed + ", a development release newer than "
                    + minimum, REQUIRED) : CheckResult.warn(ID, observed + " has no VERSION_ID", REQUIRED,
                    NOT_LISTED_REMEDY));
        }
        int cmp = compareVersions(version, minimum);
        if (cmp == Integer.MIN_VALUE) {
            return List.of(CheckResult.warn(ID, observed + ": VERSION_ID '" + version + "' is not a version number",
                    REQUIRED, NOT_LISTED_REMEDY));
        }
        if (cmp < 0) {
            return List.of(CheckResult.warn(ID, observed + " is older than the known-good " + id + " " + minimum,
                    REQUIRED, "upgrade to " + id + " " + minimum + " or later"));
        }
        return List.of(CheckResult.pass(ID, observed, REQUIRED));
    }

    /** Compares dotted numbers; {@link Integer#MIN_VALUE} when {@code a} is not one. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi;
            int yi;
            try {
                xi = i < x.length ? Integer.parseInt(x[i]) : 0;
                yi = i < y.length ? Integer.parseInt(y[i]) : 0;
            } catch (NumberFormatException e) {
                return Integer.MIN_VALUE;
            }
            if (xi != yi) {
                return Integer.compare(xi, yi);
            }
        }
        return 0;
    }
}
