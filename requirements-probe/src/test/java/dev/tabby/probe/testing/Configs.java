package dev.tabby.probe.testing;

import java.util.ArrayList;
import java.util.List;

/** Kernel config lines for fixtures: every option the requirements need, built as modules or in. */
public final class Configs {
    public static final List<String> SYMBOLS = List.of("CONFIG_IP_SET", "CONFIG_NETFILTER_XTABLES",
            "CONFIG_IP_NF_IPTABLES", "CONFIG_IP6_NF_IPTABLES", "CONFIG_IP_NF_TARGET_REJECT",
            "CONFIG_IP_NF_MATCH_RPFILTER", "CONFIG_IP6_NF_MATCH_RPFILTER", "CONFIG_NETFILTER_XT_SET",
            "CONFIG_NF_CONNTRACK", "CONFIG_NF_CT_NETLINK", "CONFIG_IP_SCTP", "CONFIG_NETFILTER_XT_MATCH_ADDRTYPE",
            "CONFIG_NETFILTER_XT_MATCH_COMMENT", "CONFIG_NETFILTER_XT_MATCH_CONNTRACK", "CONFIG_NETFILTER_XT_MATCH_IPVS",
            "CONFIG_NETFILTER_XT_MARK", "CONFIG_NETFILTER_XT_MATCH_MULTIPORT", "CONFIG_NETFILTER_XT_MATCH_SCTP",
            "CONFIG_NETFILTER_XT_MATCH_U32", "CONFIG_NET_IPIP");

    private Configs() {
    }

    /**
     * A config with every required option {@code =value} ("m" or "y"), CONFIG_NF_CT_PROTO_SCTP as {@code sctp}
     * ("m" before Linux 4.10, "y" after), module support on, and {@code notSet} left out as "is not set".
     */
    public static String[] all(String value, String sctp, String... notSet) {
        List<String> lines = new ArrayList<>();
        lines.add("# Automatically generated file; DO NOT EDIT.");
        lines.add("CONFIG_MODULES=y");
        lines.add("CONFIG_IPV6=y");
        for (String s : SYMBOLS) {
            lines.add(List.of(notSet).contains(s) ? "# " + s + " is not set" : s + "=" + value);
        }
        lines.add(List.of(notSet).contains("CONFIG_NF_CT_PROTO_SCTP") ? "# CONFIG_NF_CT_PROTO_SCTP is not set"
                : "CONFIG_NF_CT_PROTO_SCTP=" + sctp);
        return lines.toArray(String[]::new);
    }
}
