package dev.tabby.policy.render;

import java.util.ArrayList;
import java.util.List;

/**
 * The chains Felix v3.18 programs once per table and IP version, and the rules that hook them into the built-in
 * chains: a port of felix rules/static.go (iptables mode, kube-proxy IPVS support off, no OpenStack special cases)
 * and of dataplane/linux/int_dataplane.go setUpIptablesNormal.
 *
 * <p>What they jump to and is rendered elsewhere: {@code cali-from-wl-dispatch} / {@code cali-to-wl-dispatch}
 * ({@link WorkloadDispatch}); {@code cali-from-host-endpoint}, {@code cali-to-host-endpoint},
 * {@code cali-from-hep-forward}, {@code cali-to-hep-forward} ({@link HostDispatch}, which Felix programs in raw,
 * mangle and filter even with no host endpoints, so that these jumps always have a target). Failsafe chains are jumped to from the host
 * endpoint chains, not from here.
 */
public final class StaticChains {
    public static final String FILTER_INPUT = "cali-INPUT";
    public static final String FILTER_FORWARD = "cali-FORWARD";
    public static final String FILTER_OUTPUT = "cali-OUTPUT";
    public static final String RAW_PREROUTING = "cali-PREROUTING";
    public static final String RAW_OUTPUT = "cali-OUTPUT";
    public static final String MANGLE_PREROUTING = "cali-PREROUTING";
    public static final String MANGLE_POSTROUTING = "cali-POSTROUTING";
    public static final String FAILSAFE_IN = "cali-failsafe-in";
    public static final String FAILSAFE_OUT = "cali-failsafe-out";
    public static final String WORKLOAD_TO_HOST = "cali-wl-to-host";

    /** Host endpoint dispatch chains (felix rules/rule_defs.go), rendered by {@link HostDispatch}. */
    private static final String DISPATCH_FROM_HOST_ENDPOINT = HostDispatch.FROM_HOST_ENDPOINT;
    private static final String DISPATCH_TO_HOST_ENDPOINT = HostDispatch.TO_HOST_ENDPOINT;
    private static final String DISPATCH_FROM_HEP_FORWARD = HostDispatch.FROM_HOST_ENDPOINT_FORWARD;
    private static final String DISPATCH_TO_HEP_FORWARD = HostDispatch.TO_HOST_ENDPOINT_FORWARD;

    public static final List<String> TABLES = List.of("raw", "mangle", "filter", "nat");

    private static final int PROTO_IPIP = 4;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_ICMPV6 = 58;
    /** ICMPv6 a workload needs to reach its router (MLD 130-132, router solicitation 133, neighbour 135-136). */
    private static final int[] WORKLOAD_TO_HOST_ICMPV6 = {130, 131, 132, 133, 135, 136};
    private static final String HOST_POLICY_ACCEPTED = "Host endpoint policy accepted packet.";

    private final StaticConfig config;
    private final NatChains nat;

    public StaticChains(StaticConfig config) {
        this.config = config;
        this.nat = new NatChains(config);
    }

    public StaticConfig config() {
        return config;
    }

    /**
     * Everything static for one IP version, table by table (raw, mangle, filter, nat).
     *
     * @param natOutgoingActive   some IP pool of this version has natOutgoing (fills cali-nat-outgoing)
     * @param serviceClusterCidrs BGPConfiguration serviceClusterIPs CIDRs (fill cali-cidr-block); may be empty
     */
    public List<StaticTable> tables(int ipVersion, boolean natOutgoingActive, List<String> serviceClusterCidrs) {
        return List.of(raw(ipVersion), mangle(ipVersion), filter(ipVersion, serviceClusterCidrs),
                nat(ipVersion, natOutgoingActive));
    }

    public StaticTable raw(int ipVersion) {
        checkVersion(ipVersion);
        return new StaticTable("raw", ipVersion, rawChains(ipVersion), List.of(
                hook("PREROUTING", RAW_PREROUTING),
                hook("OUTPUT", RAW_OUTPUT)));
    }

    public StaticTable mangle(int ipVersion) {
        checkVersion(ipVersion);
        return new StaticTable("mangle", ipVersion, mangleChains(ipVersion), List.of(
                hook("PREROUTING", MANGLE_PREROUTING),
                hook("POSTROUTING", MANGLE_POSTROUTING)));
    }

    public StaticTable filter(int ipVersion, List<String> serviceClusterCidrs) {
        checkVersion(ipVersion);
        List<Chain> chains = new ArrayList<>(filterChains(ipVersion));
        chains.add(nat.cidrBlock(serviceClusterCidrs, ipVersion));
        return new StaticTable("filter", ipVersion, chains, List.of(
                new StaticTable.Hook("FORWARD", List.of(jump(FILTER_FORWARD)), filterForwardAppendRules()),
                hook("INPUT", FILTER_INPUT),
                hook("OUTPUT", FILTER_OUTPUT)));
    }

    public StaticTable nat(int ipVersion, boolean natOutgoingActive) {
        checkVersion(ipVersion);
        List<Chain> chains = new ArrayList<>(nat.staticChains(ipVersion));
        chains.add(nat.natOutgoing(natOutgoingActive, ipVersion));
        chains.addAll(nat.floatingIpChains());
        return new StaticTable("nat", ipVersion, chains, List.of(
                hook("PREROUTING", NatChains.PREROUTING),
                hook("POSTROUTING", NatChains.POSTROUTING),
                hook("OUTPUT", NatChains.OUTPUT)));
    }

    /** The nat-table renderer these tables use, e.g. to re-render cali-nat-outgoing alone when pools change. */
    public NatChains natChains() {
        return nat;
    }

    private static void checkVersion(int ipVersion) {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
    }

    private static StaticTable.Hook hook(String builtIn, String target) {
        return new StaticTable.Hook(builtIn, List.of(jump(target)), List.of());
    }

    private static IptRule jump(String target) {
        return new IptRule(List.of(), Actions.jump(target));
    }

    private static IptRule rule(List<String> match, String action) {
        return new IptRule(match, action);
    }

    private static IptRule rule(List<String> match, String action, String comment) {
        return new IptRule(match, action, List.of(comment));
    }

    // ---- filter ------------------------------------------------------------------------------------------------

    /** felix StaticFilterTableChains: FORWARD, INPUT, wl-to-host, failsafe-in, OUTPUT, failsafe-out. */
    public List<Chain> filterChains(int ipVersion) {
        return List.of(filterForward(), filterInput(ipVersion), workloadToHost(ipVersion),
                failsafeIn("filter", ipVersion), filterOutput(ipVersion), failsafeOut("filter", ipVersion));
    }

    /** felix filterInputChain. */
    Chain filterInput(int ipVersion) {
        String allow = config.filterAllow();
        List<IptRule> rules = new ArrayList<>();
        if (ipVersion == 4 && config.ipipEnabled()) {
            // Only known Calico hosts may send IP-in-IP to this host's own addresses.
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_IPIP),
                            Match.match().sourceIpSet(StaticIpSet.ALL_HOSTS_NET.name(4)).render(),
                            StaticFragments.destAddrTypeLocal()),
                    allow, "Allow IPIP packets from Calico hosts"));
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_IPIP)), Actions.DROP,
                    "Drop IPIP packets from non-Calico hosts"));
        }
        if (ipVersion == 4 && config.vxlanEnabled()) {
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_UDP),
                            StaticFragments.destPorts(config.vxlanPort()),
                            Match.match().sourceIpSet(StaticIpSet.ALL_VXLAN_NET.name(4)).render(),
                            StaticFragments.destAddrTypeLocal()),
                    allow, "Allow VXLAN packets from whitelisted hosts"));
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_UDP),
                            StaticFragments.destPorts(config.vxlanPort()),
                            StaticFragments.destAddrTypeLocal()),
                    Actions.DROP, "Drop VXLAN packets from non-whitelisted hosts"));
        }
        for (String prefix : config.workloadInterfacePrefixes()) {
            // goto, not jump: cali-wl-to-host's verdict is final for workload traffic.
            rules.add(rule(List.of(StaticFragments.inInterface(prefix + "+")), Actions.gotoChain(WORKLOAD_TO_HOST)));
        }
        // Accepted already by untracked (raw) or pre-DNAT (mangle) host endpoint policy.
        rules.add(rule(List.of(StaticFragments.markSingleBitSet(config.marks().accept())), allow));
        rules.add(rule(List.of(), Actions.clearMark(config.allMarkBits())));
        rules.add(jump(DISPATCH_FROM_HOST_ENDPOINT));
        rules.add(rule(List.of(StaticFragments.markSingleBitSet(config.marks().accept())), allow, HOST_POLICY_ACCEPTED));
        return new Chain(FILTER_INPUT, rules);
    }

    /** felix filterWorkloadToHostChain: egress policy of the workload, then defaultEndpointToHostAction. */
    Chain workloadToHost(int ipVersion) {
        List<IptRule> rules = new ArrayList<>();
        if (ipVersion == 6) {
            for (int type : WORKLOAD_TO_HOST_ICMPV6) {
                rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_ICMPV6),
                        Match.match().icmpV6Type(type).render()), config.filterAllow()));
            }
        }
        rules.add(jump(WorkloadDispatch.FROM_WORKLOAD_DISPATCH));
        rules.add(rule(List.of(), config.endpointToHost(), "Configured DefaultEndpointToHostAction"));
        return new Chain(WORKLOAD_TO_HOST, rules);
    }

    /** felix StaticFilterForwardChains. */
    Chain filterForward() {
        int accept = config.marks().accept();
        List<IptRule> rules = new ArrayList<>();
        // Keep the accept bit: raw (untracked) and mangle (pre-DNAT) policy pass their verdict through it.
        rules.add(rule(List.of(), Actions.clearMark(config.allMarkBits() & ~accept)));
        rules.add(rule(List.of(StaticFragments.markClear(accept)), Actions.jump(DISPATCH_FROM_HEP_FORWARD)));
        for (String prefix : config.workloadInterfacePrefixes()) {
            rules.add(rule(List.of(StaticFragments.inInterface(prefix + "+")),
                    Actions.jump(WorkloadDispatch.FROM_WORKLOAD_DISPATCH)));
            rules.add(rule(List.of(StaticFragments.outInterface(prefix + "+")),
                    Actions.jump(WorkloadDispatch.TO_WORKLOAD_DISPATCH)));
        }
        rules.add(jump(DISPATCH_TO_HEP_FORWARD));
        rules.add(jump(NatChains.CIDR_BLOCK));
        return new Chain(FILTER_FORWARD, rules);
    }

    /**
     * felix StaticFilterForwardAppendRules: appended to the built-in FORWARD chain. Accept what policy accepted,
     * and mark the rest as forwarded so mangle POSTROUTING does not apply host endpoint policy to it.
     */
    public List<IptRule> filterForwardAppendRules() {
        int accept = config.marks().accept();
        return List.of(
                rule(List.of(StaticFragments.markSingleBitSet(accept)), config.filterAllow(),
                        "Policy explicitly accepted packet."),
                rule(List.of(), Actions.setMark(accept)));
    }

    /** felix filterOutputChain. */
    Chain filterOutput(int ipVersion) {
        String allow = config.filterAllow();
        int accept = config.marks().accept();
        List<IptRule> rules = new ArrayList<>();
        rules.add(rule(List.of(StaticFragments.markSingleBitSet(accept)), allow));
        // Host to local workload is not policed by the workload's ingress policy (Felix's choice).
        for (String prefix : config.workloadInterfacePrefixes()) {
            rules.add(rule(List.of(StaticFragments.outInterface(prefix + "+")), Actions.RETURN));
        }
        if (ipVersion == 4 && config.ipipEnabled()) {
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_IPIP),
                            Match.match().destIpSet(StaticIpSet.ALL_HOSTS_NET.name(4)).render(),
                            StaticFragments.srcAddrTypeLocal(false)),
                    allow, "Allow IPIP packets to other Calico hosts"));
        }
        if (ipVersion == 4 && config.vxlanEnabled()) {
            rules.add(rule(List.of(StaticFragments.protocolNum(PROTO_UDP),
                            StaticFragments.destPorts(config.vxlanPort()),
                            StaticFragments.srcAddrTypeLocal(false),
                            Match.match().destIpSet(StaticIpSet.ALL_VXLAN_NET.name(4)).render()),
                    allow, "Allow VXLAN packets to other whitelisted hosts"));
        }
        rules.add(rule(List.of(), Actions.clearMark(config.allMarkBits())));
        // DNATed host traffic gets host endpoint policy in mangle POSTROUTING, once its route is known.
        rules.add(rule(List.of(StaticFragments.notConntrackState("DNAT")), Actions.jump(DISPATCH_TO_HOST_ENDPOINT)));
        rules.add(rule(List.of(StaticFragments.markSingleBitSet(accept)), allow, HOST_POLICY_ACCEPTED));
        return new Chain(FILTER_OUTPUT, rules);
    }

    /**
     * felix failsafeInChain. In raw, before conntrack, the replies of outbound failsafe connections (source port)
     * are accepted too. A port restricted to a net of the other IP version applies unrestricted (Felix's behaviour).
     */
    Chain failsafeIn(String table, int ipVersion) {
        List<IptRule> rules = new ArrayList<>();
        for (FailsafePort p : config.failsafeInboundHostPorts()) {
            rules.add(failsafeRule(p, ipVersion, false, false));
        }
        if (table.equals("raw")) {
            for (FailsafePort p : config.failsafeOutboundHostPorts()) {
                rules.add(failsafeRule(p, ipVersion, true, false));
            }
        }
        return new Chain(FAILSAFE_IN, rules);
    }

    /** felix failsafeOutChain: the mirror of {@link #failsafeIn}. */
    Chain failsafeOut(String table, int ipVersion) {
        List<IptRule> rules = new ArrayList<>();
        for (FailsafePort p : config.failsafeOutboundHostPorts()) {
            rules.add(failsafeRule(p, ipVersion, false, true));
        }
        if (table.equals("raw")) {
            for (FailsafePort p : config.failsafeInboundHostPorts()) {
                rules.add(failsafeRule(p, ipVersion, true, false));
            }
        }
        return new Chain(FAILSAFE_OUT, rules);
    }

    /**
     * @param bySourcePort match the port as the source port (a reply) rather than the destination port
     * @param netIsDest    the net restricts the destination (outbound) rather than the source
     */
    private static IptRule failsafeRule(FailsafePort p, int ipVersion, boolean bySourcePort, boolean netIsDest) {
        List<String> match = new ArrayList<>();
        match.add(Match.match().protocol(p.protocol()).render());
        match.add(bySourcePort ? StaticFragments.sourcePorts(p.port()) : StaticFragments.destPorts(p.port()));
        if (p.netIpVersion() == ipVersion) {
            match.add(netIsDest ? Match.match().destNet(p.net()).render() : Match.match().sourceNet(p.net()).render());
        }
        return rule(match, Actions.ACCEPT);
    }

    // ---- raw ---------------------------------------------------------------------------------------------------

    /** felix StaticRawTableChains: failsafe-in, failsafe-out (with replies), PREROUTING, OUTPUT. */
    public List<Chain> rawChains(int ipVersion) {
        return List.of(failsafeIn("raw", ipVersion), failsafeOut("raw", ipVersion), rawPrerouting(), rawOutput());
    }

    /**
     * felix StaticRawPreroutingChain: packets from workloads are marked with scratch0 and dropped when they fail a
     * strict reverse-path check (anti-spoofing, IPv4 and IPv6); other packets get untracked host endpoint policy.
     */
    Chain rawPrerouting() {
        int fromWorkload = config.marks().scratch0();
        List<IptRule> rules = new ArrayList<>();
        // Another program's rules may have left our bits set.
        rules.add(rule(List.of(), Actions.clearMark(config.allMarkBits())));
        for (String prefix : config.workloadInterfacePrefixes()) {
            rules.add(rule(List.of(StaticFragments.inInterface(prefix + "+")), Actions.setMark(fromWorkload)));
        }
        rules.add(rule(List.of(StaticFragments.markMatchesWithMask(fromWorkload, fromWorkload),
                StaticFragments.rpfCheckFailed()), Actions.DROP));
        rules.add(rule(List.of(StaticFragments.markClear(fromWorkload)), Actions.jump(DISPATCH_FROM_HOST_ENDPOINT)));
        rules.add(rule(List.of(StaticFragments.markSingleBitSet(config.marks().accept())), Actions.ACCEPT));
        return new Chain(RAW_PREROUTING, rules);
    }

    /** felix StaticRawOutputChain: untracked host endpoint policy for locally sent packets. */
    Chain rawOutput() {
        return new Chain(RAW_OUTPUT, List.of(
                rule(List.of(), Actions.clearMark(config.allMarkBits())),
                jump(DISPATCH_TO_HOST_ENDPOINT),
                rule(List.of(StaticFragments.markSingleBitSet(config.marks().accept())), Actions.ACCEPT)));
    }

    // ---- mangle ------------------------------------------------------------------------------------------------

    /** felix StaticMangleTableChains: failsafe-in, failsafe-out, PREROUTING, POSTROUTING. */
    public List<Chain> mangleChains(int ipVersion) {
        return List.of(failsafeIn("mangle", ipVersion), failsafeOut("mangle", ipVersion), manglePrerouting(),
                manglePostrouting());
    }

    /** felix StaticManglePreroutingChain: pre-DNAT host endpoint policy. */
    Chain manglePrerouting() {
        String allow = config.mangleAllow();
        int accept = config.marks().accept();
        return new Chain(MANGLE_PREROUTING, List.of(
                rule(List.of(StaticFragments.conntrackState("RELATED,ESTABLISHED")), allow),
                rule(List.of(StaticFragments.markSingleBitSet(accept)), allow),
                jump(DISPATCH_FROM_HOST_ENDPOINT),
                rule(List.of(StaticFragments.markSingleBitSet(accept)), allow, HOST_POLICY_ACCEPTED)));
    }

    /**
     * felix StaticManglePostroutingChain: host endpoint egress policy for host traffic that was DNATed (its route
     * is only final here). Forwarded packets carry the accept bit from FORWARD and are left alone. RETURN, never
     * ACCEPT, so later mangle rules still see allowed traffic.
     */
    Chain manglePostrouting() {
        int accept = config.marks().accept();
        return new Chain(MANGLE_POSTROUTING, List.of(
                rule(List.of(StaticFragments.markSingleBitSet(accept)), Actions.RETURN),
                rule(List.of(), Actions.clearMark(config.allMarkBits())),
                rule(List.of(StaticFragments.conntrackState("DNAT")), Actions.jump(DISPATCH_TO_HOST_ENDPOINT)),
                rule(List.of(StaticFragments.markSingleBitSet(accept)), Actions.RETURN, HOST_POLICY_ACCEPTED)));
    }
}
