package dev.tabby.probe.net;

import dev.tabby.probe.host.CommandOutput;
import dev.tabby.probe.host.FileText;
import dev.tabby.probe.host.HostRoot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host firewall as far as the probe can read it, never changed: legacy iptables (only when legacy tables exist,
 * per /proc/net/ip_tables_names, so reading never instantiates one), and nftables ({@code nft list ruleset}, else
 * {@code iptables-nft-save}). On a live host the commands run; under another root their captures are read from
 * {@code /var/lib/tabby-probe/}: {@code iptables-legacy-save.txt}, {@code ip6tables-legacy-save.txt},
 * {@code nft-list-ruleset.txt}, {@code iptables-nft-save.txt}, {@code ip6tables-nft-save.txt},
 * {@code iptables-version.txt} ({@code iptables --version}) and {@code nft-version.txt} ({@code nft --version}).
 */
public final class Firewall {
    /** Which iptables flavour a binary is. */
    public enum Variant { LEGACY, NFT }

    private final List<FilterRules> sources;
    private final List<String> notInspected;
    private final List<String> unobserved;
    private final List<String> legacyTables;
    private final int legacyRules;
    private final int nftRules;
    private final CommandOutput iptablesVersion;
    private final CommandOutput nftVersion;
    private final Map<String, Boolean> binaries;

    private Firewall(List<FilterRules> sources, List<String> notInspected, List<String> unobserved,
                     List<String> legacyTables, int legacyRules, int nftRules, CommandOutput iptablesVersion,
                     CommandOutput nftVersion, Map<String, Boolean> binaries) {
        this.sources = sources;
        this.notInspected = notInspected;
        this.unobserved = unobserved;
        this.legacyTables = legacyTables;
        this.legacyRules = legacyRules;
        this.nftRules = nftRules;
        this.iptablesVersion = iptablesVersion;
        this.nftVersion = nftVersion;
        this.binaries = binaries;
    }

    /**
     * Reads the rules of the namespace this process runs in: the commands run here (a child inherits the namespace)
     * and the table names come from {@link HostRoot#network()}.
     */
    public static Firewall read(HostRoot host) {
        HostRoot net = host.network();
        Map<String, Boolean> binaries = new LinkedHashMap<>();
        for (String b : List.of("iptables", "iptables-legacy", "iptables-nft", "ip6tables", "nft", "ipset")) {
            binaries.put(b, host.findBinary(b).isPresent());
        }
        CommandOutput iptablesVersion = host.run("iptables-version", "iptables", "--version");
        CommandOutput nftVersion = host.run("nft-version", "nft", "--version");
        Variant plain = variant(iptablesVersion).orElse(null);

        List<FilterRules> sources = new ArrayList<>();
        List<String> notInspected = new ArrayList<>();
        List<String> unobserved = new ArrayList<>();
        List<String> legacyTables = new ArrayList<>();
        int legacyRules = 0;
        for (Traffic.Family family : Traffic.Family.values()) {
            boolean v4 = family == Traffic.Family.V4;
            String cmd = v4 ? "iptables" : "ip6tables";
            FileText names = net.read(v4 ? "/proc/net/ip_tables_names" : "/proc/net/ip6_tables_names");
            List<String> tables = names.lines().stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            tables.forEach(t -> legacyTables.add((v4 ? "" : "ip6 ") + t));
            if (host.live() && tables.isEmpty() && !names.unreadable()) {
                continue; // no legacy table exists, so no legacy rule either
            }
            CommandOutput out = host.run(cmd + "-legacy-save", cmd + "-legacy-save");
            if (out.absent() && host.live() && plain == Variant.LEGACY) {
                out = host.run(cmd + "-legacy-save", cmd + "-save");
            }
            if (out.ok()) {
                FilterRules rules = IptablesSave.parse(cmd + "-legacy", out.stdout(), family);
                sources.add(rules);
                legacyRules = legacyRules < 0 ? legacyRules : legacyRules + rules.ruleCount();
            } else if (!tables.isEmpty()) {
                notInspected.add(cmd + "-legacy: " + out.problem());
                unobserved.add(cmd + "-legacy: tables " + tables + " exist but " + out.problem());
                legacyRules = -1;
            } else if (names.unreadable()) {
                notInspected.add(cmd + "-legacy: " + out.problem());
                unobserved.add(cmd + "-legacy: " + names.describe() + " and " + out.problem());
                legacyRules = -1;
            }
        }

        int nftRules;
        CommandOutput ruleset = host.run("nft-list-ruleset", "nft", "list", "ruleset");
        if (ruleset.ok()) {
            FilterRules rules = NftRuleset.parse("nft", ruleset.stdout());
            sources.add(rules);
            nftRules = rules.ruleCount();
        } else {
            nftRules = 0;
            boolean any = false;
            boolean allAbsent = ruleset.absent();
            List<String> why = new ArrayList<>();
            why.add(ruleset.problem());
            for (Traffic.Family family : Traffic.Family.values()) {
                String cmd = family == Traffic.Family.V4 ? "iptables" : "ip6tables";
                CommandOutput out = host.run(cmd + "-nft-save", cmd + "-nft-save");
                if (out.absent() && host.live() && plain == Variant.NFT) {
                    out = host.run(cmd + "-nft-save", cmd + "-save");
                }
                if (out.ok()) {
                    FilterRules rules = IptablesSave.parse(cmd + "-nft", out.stdout(), family);
                    sources.add(rules);
                    nftRules += rules.ruleCount();
                    any = true;
                } else {
                    why.add(out.problem());
                    allAbsent &= out.absent();
                }
            }
            if (!any) {
                nftRules = -1;
                String problem = allAbsent && host.live() ? "neither nft nor iptables-nft-save is installed"
                        : String.join("; ", why);
                if (allAbsent && nfTablesAbsent(host)) {
                    nftRules = 0; // no nf_tables in the kernel, so no nft rule either
                } else {
                    notInspected.add("nftables: " + problem);
                    unobserved.add("nftables: " + problem);
                }
            }
        }
        return new Firewall(List.copyOf(sources), List.copyOf(notInspected), List.copyOf(unobserved),
                List.copyOf(legacyTables), legacyRules, nftRules, iptablesVersion, nftVersion, binaries);
    }

    /**
     * Why there can be no nft rule when nothing could list them: nf_tables is not running. Only /proc/modules can say
     * so (without it, or when it is unreadable, nf_tables may be built in), and only when it does not list nf_tables
     * and /sys/module has no trace of it.
     */
    private static boolean nfTablesAbsent(HostRoot host) {
        FileText modules = host.read("/proc/modules");
        if (!modules.ok() || host.exists("/sys/module/nf_tables")) {
            return false;
        }
        return modules.lines().stream().noneMatch(l -> l.startsWith("nf_tables "));
    }

    /** {@code iptables v1.8.9 (nf_tables)} is nft; {@code (legacy)} or no suffix (before 1.8) is legacy. */
    static Optional<Variant> variant(CommandOutput version) {
        if (!version.ok()) {
            return Optional.empty();
        }
        String v = version.stdout();
        if (v.contains("nf_tables")) {
            return Optional.of(Variant.NFT);
        }
        return v.contains("iptables") ? Optional.of(Variant.LEGACY) : Optional.empty();
    }

    /** Every rule or policy that drops (or may drop) the traffic, across all sources read. */
    public List<Blocking> blocking(Traffic t) {
        List<Blocking> out = new ArrayList<>();
        for (FilterRules rules : sources) {
            out.addAll(rules.blocking(t));
        }
        return out;
    }

    /** What was read: {@code iptables-legacy, nft}. */
    public List<String> inspected() {
        return sources.stream().map(FilterRules::source).distinct().toList();
    }

    /** What could not be read, with why. */
    public List<String> notInspected() {
        return notInspected;
    }

    /**
     * Rules that may exist but could not be read (tables listed but not readable, a command that failed, nf_tables
     * that may be running with no tool to list it): while this is not empty, "nothing drops it" was not observed.
     */
    public List<String> unobserved() {
        return unobserved;
    }

    /** Legacy tables that exist ({@code filter}, {@code nat}, {@code ip6 filter}, ...). */
    public List<String> legacyTables() {
        return legacyTables;
    }

    /** Rules in legacy iptables; -1 when tables exist but could not be listed. */
    public int legacyRules() {
        return legacyRules;
    }

    /** Rules in nftables (iptables-nft's included); -1 when they could not be listed. */
    public int nftRules() {
        return nftRules;
    }

    public CommandOutput iptablesVersion() {
        return iptablesVersion;
    }

    public CommandOutput nftVersion() {
        return nftVersion;
    }

    public Optional<Variant> iptablesVariant() {
        return variant(iptablesVersion);
    }

    /** Which of iptables, iptables-legacy, iptables-nft, ip6tables, nft, ipset are installed. */
    public Map<String, Boolean> binaries() {
        return binaries;
    }
}
