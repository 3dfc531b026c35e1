package dev.tabby.probe.modules;

import dev.tabby.probe.host.KernelVersion;
import dev.tabby.probe.modules.ModuleSpec.Functional;
import dev.tabby.probe.modules.ModuleSpec.Need;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel modules of the requirements page, in its order, and where each lives in a given kernel. Facts this
 * relies on (from the kernel sources):
 * <ul>
 *   <li>The iptables {@code icmp} and {@code icmp6} matches were compiled into ip_tables / ip6_tables (aliases
 *       {@code ipt_icmp}, {@code ip6t_icmp6}) until Linux 6.4 moved them into xt_tcpudp. No module was ever called
 *       {@code xt_icmp} or {@code xt_icmp6}.</li>
 *   <li>No module is called {@code xt_rpfilter}: the rpfilter match is {@code ipt_rpfilter} (IPv4) and
 *       {@code ip6t_rpfilter} (IPv6).</li>
 *   <li>{@code ipt_set} is an alias of xt_set; {@code ipt_mark} and {@code ipt_addrtype} of xt_mark and
 *       xt_addrtype.</li>
 *   <li>Since Linux 4.10 SCTP connection tracking is part of nf_conntrack when CONFIG_NF_CT_PROTO_SCTP=y (now a
 *       bool); before, it was the module nf_conntrack_proto_sctp.</li>
 * </ul>
 */
public final class ModuleCatalog {
    /** The names on the requirements page, in its order. */
    public static final List<String> SEED = List.of("ip_set", "ip_tables", "ip6_tables", "ipt_REJECT", "ipt_rpfilter",
            "ipt_set", "nf_conntrack_netlink", "nf_conntrack_proto_sctp", "sctp", "xt_addrtype", "xt_comment",
            "xt_conntrack", "xt_icmp", "xt_icmp6", "xt_ipvs", "xt_mark", "xt_multiport", "xt_rpfilter", "xt_sctp",
            "xt_set", "xt_u32", "ipip");

    static final String MATCHES4 = "/proc/net/ip_tables_matches";
    static final String TARGETS4 = "/proc/net/ip_tables_targets";
    static final String MATCHES6 = "/proc/net/ip6_tables_matches";

    private static final KernelVersion ICMP_MOVED = KernelVersion.of(6, 4);
    private static final KernelVersion SCTP_CT_BUILT_IN = KernelVersion.of(4, 10);

    private ModuleCatalog() {
    }

    /** Every module of the page as found in a kernel of this version (unknown: both old and new places count). */
    public static List<ModuleSpec> specs(Optional<KernelVersion> version) {
        List<ModuleSpec> out = new ArrayList<>();
        for (String name : SEED) {
            out.add(spec(name, version));
        }
        return out;
    }

    public static ModuleSpec spec(String name, Optional<KernelVersion> version) {
        boolean icmpMoved = version.map(v -> v.compareTo(ICMP_MOVED) >= 0).orElse(false);
        boolean icmpUnknown = version.isEmpty();
        boolean sctpInConntrack = version.map(v -> v.compareTo(SCTP_CT_BUILT_IN) >= 0).orElse(true);
        return switch (name) {
            case "ip_set" -> simple(name, "CONFIG_IP_SET", "IP sets (Calico's cali40* sets of addresses)",
                    Functional.exists("/sys/module/ip_set"), Functional.listed(MATCHES4, "set"));
            case "ip_tables" -> simple(name, "CONFIG_IP_NF_IPTABLES", "IPv4 iptables",
                    Functional.exists("/proc/net/ip_tables_names"));
            case "ip6_tables" -> new ModuleSpec(name, List.of(name), List.of(), List.of("CONFIG_IP6_NF_IPTABLES"), null,
                    List.of(Functional.exists("/proc/net/ip6_tables_names")), Need.IPV6, "IPv6 iptables", "");
            case "ipt_REJECT" -> simple(name, "CONFIG_IP_NF_TARGET_REJECT", "the REJECT target of IPv4 policy",
                    Functional.listed(TARGETS4, "REJECT"));
            case "ipt_rpfilter" -> simple(name, "CONFIG_IP_NF_MATCH_RPFILTER", "reverse-path checks on workload traffic",
                    Functional.listed(MATCHES4, "rpfilter"));
            case "ipt_set" -> new ModuleSpec(name, List.of(name, "xt_set"), List.of(name), List.of("CONFIG_NETFILTER_XT_SET"),
                    null, List.of(Functional.listed(MATCHES4, "set")), Need.ALWAYS, "matching IP sets in IPv4 rules",
                    "ipt_set is an alias of xt_set");
            case "nf_conntrack_netlink" -> simple(name, "CONFIG_NF_CT_NETLINK",
                    "reading and clearing conntrack entries", Functional.exists("/sys/module/nf_conntrack_netlink"));
            case "nf_conntrack_proto_sctp" -> sctpInConntrack
                    ? new ModuleSpec(name, List.of(name, "nf_conntrack"), List.of(), List.of("CONFIG_NF_CONNTRACK"),
                            "CONFIG_NF_CT_PROTO_SCTP",
                            List.of(Functional.exists("/proc/sys/net/netfilter/nf_conntrack_sctp_timeout_established")),
                            Need.ALWAYS, "connection tracking of SCTP",
                            "part of nf_conntrack since Linux 4.10 when CONFIG_NF_CT_PROTO_SCTP=y")
                    : simple(name, "CONFIG_NF_CT_PROTO_SCTP", "connection tracking of SCTP",
                            Functional.exists("/proc/sys/net/netfilter/nf_conntrack_sctp_timeout_established"));
            case "sctp" -> new ModuleSpec(name, List.of(name), List.of(), List.of("CONFIG_IP_SCTP"), null,
                    List.of(Functional.exists("/proc/net/sctp"), Functional.exists("/sys/module/sctp")), Need.OPTIONAL,
                    "SCTP in policy rules", "");
            case "xt_addrtype" -> new ModuleSpec(name, List.of(name), List.of("ipt_addrtype"),
                    List.of("CONFIG_NETFILTER_XT_MATCH_ADDRTYPE", "CONFIG_IP_NF_MATCH_ADDRTYPE"), null,
                    List.of(Functional.listed(MATCHES4, "addrtype")), Need.ALWAYS, "matching local addresses", "");
            case "xt_comment" -> simple(name, "CONFIG_NETFILTER_XT_MATCH_COMMENT", "the cali: rule comments",
                    Functional.listed(MATCHES4, "comment"));
            case "xt_conntrack" -> simple(name, "CONFIG_NETFILTER_XT_MATCH_CONNTRACK", "stateful policy",
                    Functional.listed(MATCHES4, "conntrack"));
            case "xt_icmp" -> icmpSpec(name, "ipt_icmp", icmpUnknown ? List.of(name, "ip_tables", "xt_tcpudp")
                            : List.of(name, icmpMoved ? "xt_tcpudp" : "ip_tables"),
                    icmpUnknown ? List.of("CONFIG_IP_NF_IPTABLES", "CONFIG_NETFILTER_XTABLES")
                            : List.of(icmpMoved ? "CONFIG_NETFILTER_XTABLES" : "CONFIG_IP_NF_IPTABLES"),
                    Functional.listed(MATCHES4, "icmp"), Need.ALWAYS, "ICMP in IPv4 policy rules",
                    icmpUnknown ? "the icmp match lives in ip_tables (before Linux 6.4) or xt_tcpudp (6.4 and later)"
                            : icmpMoved ? "the icmp match lives in xt_tcpudp since Linux 6.4"
                            : "the icmp match lives in ip_tables before Linux 6.4");
            case "xt_icmp6" -> icmpSpec(name, "ip6t_icmp6", icmpUnknown ? List.of(name, "ip6_tables", "xt_tcpudp")
                            : List.of(name, icmpMoved ? "xt_tcpudp" : "ip6_tables"),
                    icmpUnknown ? List.of("CONFIG_IP6_NF_IPTABLES", "CONFIG_NETFILTER_XTABLES")
                            : List.of(icmpMoved ? "CONFIG_NETFILTER_XTABLES" : "CONFIG_IP6_NF_IPTABLES"),
                    Functional.listed(MATCHES6, "icmp6"), Need.IPV6, "ICMPv6 in IPv6 policy rules",
                    icmpUnknown ? "the icmp6 match lives in ip6_tables (before Linux 6.4) or xt_tcpudp (6.4 and later)"
                            : icmpMoved ? "the icmp6 match lives in xt_tcpudp since Linux 6.4"
                            : "the icmp6 match lives in ip6_tables before Linux 6.4");
            case "xt_ipvs" -> new ModuleSpec(name, List.of(name), List.of(), List.of("CONFIG_NETFILTER_XT_MATCH_IPVS"),
                    null, List.of(Functional.listed(MATCHES4, "ipvs")), Need.OPTIONAL, "policy for kube-proxy's IPVS mode",
                    "");
            case "xt_mark" -> new ModuleSpec(name, List.of(name), List.of("ipt_mark"),
                    List.of("CONFIG_NETFILTER_XT_MARK", "CONFIG_NETFILTER_XT_MATCH_MARK"), null,
                    List.of(Functional.listed(MATCHES4, "mark"), Functional.listed(TARGETS4, "MARK")), Need.ALWAYS,
                    "packet marks between policy chains", "");
            case "xt_multiport" -> simple(name, "CONFIG_NETFILTER_XT_MATCH_MULTIPORT", "port lists in policy rules",
                    Functional.listed(MATCHES4, "multiport"));
            case "xt_rpfilter" -> new ModuleSpec(name, List.of(name, "ipt_rpfilter", "ip6t_rpfilter"), List.of(),
                    List.of("CONFIG_IP_NF_MATCH_RPFILTER", "CONFIG_IP6_NF_MATCH_RPFILTER"), null,
                    List.of(Functional.listed(MATCHES4, "rpfilter"), Functional.listed(MATCHES6, "rpfilter")),
                    Need.ALWAYS, "reverse-path checks on workload traffic",
                    "no module is called xt_rpfilter; the rpfilter match is ipt_rpfilter (IPv4) and ip6t_rpfilter (IPv6)");
            case "xt_sctp" -> simple(name, "CONFIG_NETFILTER_XT_MATCH_SCTP", "SCTP ports in policy rules",
                    Functional.listed(MATCHES4, "sctp"));
            case "xt_set" -> new ModuleSpec(name, List.of(name), List.of("ipt_set"), List.of("CONFIG_NETFILTER_XT_SET"),
                    null, List.of(Functional.listed(MATCHES4, "set"), Functional.listed(TARGETS4, "SET")), Need.ALWAYS,
                    "matching IP sets in rules", "");
            case "xt_u32" -> simple(name, "CONFIG_NETFILTER_XT_MATCH_U32", "matching IP-in-IP inner headers",
                    Functional.listed(MATCHES4, "u32"));
            case "ipip" -> new ModuleSpec(name, List.of(name), List.of(), List.of("CONFIG_NET_IPIP"), null,
                    List.of(Functional.exists("/sys/module/ipip"), Functional.exists("/sys/class/net/tunl0")), Need.MODE,
                    "the tunl0 device of IP-in-IP pools", "");
            default -> throw new IllegalArgumentException("not a module of the requirements page: " + name);
        };
    }

    /**
     * What will not work without an optional module ({@link Need#OPTIONAL}). Calico v3.18 lists both on its
     * requirements page, yet Felix runs without them: it renders SCTP rules only when a policy names SCTP, and IPVS
     * rules only when it detects kube-proxy's IPVS mode (felix/dataplane/linux/int_dataplane.go, KubeIPVSSupportEnabled).
     */
    public static String withoutIt(String name) {
        return switch (name) {
            case "sctp" -> "without sctp, policy rules with protocol SCTP cannot be enforced";
            case "xt_ipvs" -> "without xt_ipvs (and ip_vs), kube-proxy in IPVS mode cannot be used with Calico policy";
            default -> throw new IllegalArgumentException(name + " is not an optional module");
        };
    }

    private static ModuleSpec simple(String name, String symbol, String purpose, Functional... functional) {
        return new ModuleSpec(name, List.of(name), List.of(), List.of(symbol), null, List.of(functional), Need.ALWAYS,
                purpose, "");
    }

    private static ModuleSpec icmpSpec(String name, String alias, List<String> modules, List<String> symbols,
                                       Functional functional, Need need, String purpose, String note) {
        return new ModuleSpec(name, modules, List.of(alias), symbols, null, List.of(functional), need, purpose, note);
    }
}
