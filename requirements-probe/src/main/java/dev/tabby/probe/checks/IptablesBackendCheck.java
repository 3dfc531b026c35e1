package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.net.Firewall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * iptables-backend: which iptables backend holds rules (legacy, nft), which binaries are installed and their
 * versions. Rules in both at once warn: packets then pass two rule sets, and a rule in one is invisible to tools
 * of the other.
 */
public final class IptablesBackendCheck implements Check {
    public static final String ID = "iptables-backend";
    private static final String REQUIRED = "one iptables backend (legacy or nft) holding the rules, with its iptables "
            + "binaries (and ipset) installed";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        Firewall fw = ctx.firewall();
        List<String> installed = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (Map.Entry<String, Boolean> b : fw.binaries().entrySet()) {
            (b.getValue() ? installed : absent).add(b.getKey());
        }
        String legacy = switch (fw.legacyRules()) {
            case -1 -> "legacy tables " + fw.legacyTables() + " (rules not listed)";
            case 0 -> fw.legacyTables().isEmpty() ? "legacy: no tables" : "legacy: tables " + fw.legacyTables()
                    + ", no rules";
            default -> "legacy: " + fw.legacyRules() + " rules";
        };
        String nft = switch (fw.nftRules()) {
            case -1 -> "nft: not listed";
            case 0 -> "nft: no rules";
            default -> "nft: " + fw.nftRules() + " rules";
        };
        List<String> observed = new ArrayList<>();
        observed.add(legacy);
        observed.add(nft);
        fw.iptablesVersion().text().flatMap(t -> t.lines().findFirst()).ifPresent(v -> observed.add(v.trim()));
        fw.nftVersion().text().flatMap(t -> t.lines().findFirst()).ifPresent(v -> observed.add(v.trim()));
        observed.add("installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed)));
        if (!absent.isEmpty()) {
            observed.add("not installed: " + String.join(", ", absent));
        }
        if (!fw.notInspected().isEmpty()) {
            observed.add("not inspected: " + String.join("; ", fw.notInspected()));
        }

        boolean legacyInUse = fw.legacyRules() > 0;
        boolean nftInUse = fw.nftRules() > 0;
        String inUse = legacyInUse && nftInUse ? "both legacy and nft"
                : legacyInUse ? "legacy" : nftInUse ? "nft"
                : fw.iptablesVariant().map(v -> "none yet (iptables defaults to " + v.name().toLowerCase() + ")")
                .orElse("none found");
        String text = "in use: " + inUse + "; " + String.join("; ", observed);

        if (legacyInUse && nftInUse) {
            return List.of(CheckResult.warn(ID, text, REQUIRED, "move every rule to one backend (with "
                    + "iptables-legacy-save | iptables-nft-restore, or back) and flush the other; run Tabby with that "
                    + "backend"));
        }
        boolean anyIptables = fw.binaries().getOrDefault("iptables", false)
                || fw.binaries().getOrDefault("iptables-legacy", false)
                || fw.binaries().getOrDefault("iptables-nft", false);
        if (!anyIptables) {
            return List.of(CheckResult.warn(ID, text, REQUIRED, "install iptables (1.8 or later, which has both "
                    + "backends) and ipset on the host, or run Tabby from its image, which brings them"));
        }
        if (!fw.unobserved().isEmpty()) {
            return List.of(CheckResult.notTested(ID, Status.WARN, "which backend holds rules: cannot list "
                    + String.join("; ", fw.unobserved()) + "; " + text, REQUIRED, "run the probe as root (it needs "
                    + "CAP_NET_ADMIN to list the rules, and only lists them) with iptables-save and nft installed"));
        }
        return List.of(CheckResult.pass(ID, text, REQUIRED));
    }
}
