package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.FileText;
import java.util.List;
import java.util.Optional;

/**
 * cap-sys-admin: CAP_SYS_ADMIN in the effective set of the probing process ({@code CapEff} of /proc/self/status),
 * which stands for the Tabby services it precedes. CAP_NET_ADMIN and CAP_NET_RAW are reported too: Tabby programs
 * links, routes and iptables with them.
 */
public final class CapabilityCheck implements Check {
    public static final String ID = "cap-sys-admin";
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final int CAP_SYS_ADMIN = 21;
    private static final String REQUIRED = "CAP_SYS_ADMIN in the effective capability set (run as root or in a "
            + "privileged container); CAP_NET_ADMIN and CAP_NET_RAW as well";
    private static final String REMEDY = "run Tabby as root or in a privileged container, or grant the capabilities "
            + "(Kubernetes: securityContext.capabilities.add: [SYS_ADMIN, NET_ADMIN, NET_RAW])";

    private static final String READ_REMEDY = "run the probe with /proc mounted (it reads CapEff in /proc/self/status), "
            + "with the privileges Tabby will have";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        FileText status = ctx.host().read("/proc/self/status");
        if (!status.ok()) {
            return List.of(CheckResult.notTested(ID, Status.WARN, "cannot read the effective capabilities: "
                    + status.describe(), REQUIRED, READ_REMEDY));
        }
        Optional<String> capEff = status.lines().stream().filter(l -> l.startsWith("CapEff:"))
                .map(l -> l.substring("CapEff:".length()).trim()).findFirst();
        if (capEff.isEmpty()) {
            return List.of(CheckResult.notTested(ID, Status.WARN, "cannot read the effective capabilities: "
                    + status.shown() + " has no CapEff line", REQUIRED, READ_REMEDY));
        }
        long caps;
        try {
            caps = Long.parseUnsignedLong(capEff.get(), 16);
        } catch (NumberFormatException e) {
            return List.of(CheckResult.notTested(ID, Status.WARN, "cannot read the effective capabilities: CapEff '"
                    + capEff.get() + "' in " + status.shown() + " is not hexadecimal", REQUIRED, READ_REMEDY));
        }
        boolean sysAdmin = has(caps, CAP_SYS_ADMIN);
        boolean netAdmin = has(caps, CAP_NET_ADMIN);
        boolean netRaw = has(caps, CAP_NET_RAW);
        String observed = "CapEff " + capEff.get() + " (" + status.shown() + "): CAP_SYS_ADMIN " + yesNo(sysAdmin)
                + ", CAP_NET_ADMIN " + yesNo(netAdmin) + ", CAP_NET_RAW " + yesNo(netRaw);
        if (!sysAdmin) {
            return List.of(CheckResult.fail(ID, observed, REQUIRED, REMEDY));
        }
        if (!netAdmin || !netRaw) {
            return List.of(CheckResult.warn(ID, observed + "; without CAP_NET_ADMIN and CAP_NET_RAW Tabby cannot "
                    + "program links, routes and iptables", REQUIRED, REMEDY));
        }
        return List.of(CheckResult.pass(ID, observed, REQUIRED));
    }

    private static boolean has(long caps, int bit) {
        return (caps & (1L << bit)) != 0;
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
