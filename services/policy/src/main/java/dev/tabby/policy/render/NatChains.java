package dev.tabby.policy.render;

import java.util.ArrayList;
import java.util.List;

/**
 * The nat table's chains as Felix v3.18 renders them (felix rules/static.go StaticNATTableChains and rules/nat.go),
 * and the filter table's service-loop chain from nat.go. Floating IPs are not supported: {@code cali-fip-dnat} and
 * {@code cali-fip-snat} are rendered empty, as Felix's floatingIPManager programs them when no endpoint has one, so
 * that the static jumps to them have a target.
 */
public final class NatChains {
    public static final String PREROUTING = "cali-PREROUTING";
    public static final String POSTROUTING = "cali-POSTROUTING";
    public static final String OUTPUT = "cali-OUTPUT";
    public static final String NAT_OUTGOING = "cali-nat-outgoing";
    public static final String FIP_DNAT = "cali-fip-dnat";
    public static final String FIP_SNAT = "cali-fip-snat";
    public static final String CIDR_BLOCK = "cali-cidr-block";

    /** The device names Felix gives its tunnels (dataplane/linux/ipip_mgr.go, vxlan_mgr.go). */
    public static final String IPIP_DEVICE = "tunl0";
    public static final String VXLAN_DEVICE = "vxlan.calico";

    private final StaticConfig config;

    public NatChains(StaticConfig config) {
        this.config = config;
    }

    /** felix StaticNATTableChains: PREROUTING, POSTROUTING, OUTPUT. */
    public List<Chain> staticChains(int ipVersion) {
        return List.of(prerouting(), postrouting(ipVersion), output());
    }

    /** felix StaticNATPreroutingChains (no OpenStack metadata DNAT). */
    Chain prerouting() {
        return new Chain(PREROUTING, List.of(new IptRule(List.of(), Actions.jump(FIP_DNAT))));
    }

    /**
     * felix StaticNATPostroutingChains: floating-IP SNAT, natOutgoing, then for each IPv4 tunnel this node has an
     * address on, masquerade host-originated packets whose source is a local address other than the tunnel's.
     */
    Chain postrouting(int ipVersion) {
        List<IptRule> rules = new ArrayList<>();
        rules.add(new IptRule(List.of(), Actions.jump(FIP_SNAT)));
        rules.add(new IptRule(List.of(), Actions.jump(NAT_OUTGOING)));
        List<String> tunnels = new ArrayList<>();
        if (ipVersion == 4 && config.ipipEnabled() && !config.ipipTunnelAddress().isEmpty()) {
            tunnels.add(IPIP_DEVICE);
        }
        if (ipVersion == 4 && config.vxlanEnabled() && !config.vxlanTunnelAddress().isEmpty()) {
            tunnels.add(VXLAN_DEVICE);
        }
        for (String tunnel : tunnels) {
            rules.add(new IptRule(List.of(
                    StaticFragments.outInterface(tunnel),
                    StaticFragments.notSrcAddrTypeLocal(true),
                    StaticFragments.srcAddrTypeLocal(false)),
                    StaticFragments.masquerade("", config.masqFullyRandom())));
        }
        return new Chain(POSTROUTING, rules);
    }

    /** felix StaticNATOutputChains. */
    Chain output() {
        return new Chain(OUTPUT, List.of(new IptRule(List.of(), Actions.jump(FIP_DNAT))));
    }

    /** Empty floating-IP chains (felix DNATsToIptablesChains / SNATsToIptablesChains of no floating IPs). */
    public List<Chain> floatingIpChains() {
        return List.of(new Chain(FIP_DNAT, List.of()), new Chain(FIP_SNAT, List.of()));
    }

    /**
     * felix rules/nat.go NATOutgoingChain: empty unless some pool of this IP version has natOutgoing. Traffic from a
     * masquerading pool to anywhere outside all pools is masqueraded (or SNATed to natOutgoingAddress); with a
     * natPortRange, TCP and UDP are first given ports from the range.
     *
     * <p>Deviation: Felix uses natOutgoingAddress (an IPv4 address) in the IPv6 table too, which ip6tables refuses;
     * here IPv6 always masquerades.
     */
    public Chain natOutgoing(boolean active, int ipVersion) {
        if (!active) {
            return new Chain(NAT_OUTGOING, List.of());
        }
        String address = ipVersion == 4 ? config.natOutgoingAddress() : "";
        String defaultSnat = address.isEmpty()
                ? StaticFragments.masquerade("", config.masqFullyRandom())
                : StaticFragments.snat(address, config.snatFullyRandom());
        List<IptRule> rules = new ArrayList<>();
        if (config.natPortRangeMax() > 0) {
            String toPorts = config.natPortRangeMin() + "-" + config.natPortRangeMax();
            String portRangeSnat = address.isEmpty()
                    ? StaticFragments.masquerade(toPorts, config.masqFullyRandom())
                    : StaticFragments.snat(address + ":" + toPorts, config.snatFullyRandom());
            for (String protocol : List.of("tcp", "udp")) {
                rules.add(natOutgoingRule(protocol, portRangeSnat, ipVersion));
                rules.add(natOutgoingRule(protocol, Actions.RETURN, ipVersion));
            }
        }
        rules.add(natOutgoingRule("", defaultSnat, ipVersion));
        return new Chain(NAT_OUTGOING, rules);
    }

    /** felix makeNATOutgoingRuleIPTables. */
    private IptRule natOutgoingRule(String protocol, String action, int ipVersion) {
        Match m = Match.match()
                .sourceIpSet(StaticIpSet.MASQ_IPAM_POOLS.name(ipVersion))
                .notDestIpSet(StaticIpSet.ALL_IPAM_POOLS.name(ipVersion));
        if (!protocol.isEmpty()) {
            m = m.protocol(protocol);
        }
        List<String> fragments = new ArrayList<>(m.fragments());
        if (!config.iptablesNatOutgoingInterfaceFilter().isEmpty()) {
            fragments.add(StaticFragments.outInterface(config.iptablesNatOutgoingInterfaceFilter()));
        }
        return new IptRule(fragments, action);
    }

    /**
     * felix rules/nat.go BlockedCIDRsToIptablesChains (filter table): traffic to a service CIDR this node advertises
     * (BGPConfiguration serviceClusterIPs) that no service rule caught is dropped or rejected, so it cannot loop back
     * through the default gateway. Empty with serviceLoopPrevention Disabled or no CIDRs of this IP version.
     */
    public Chain cidrBlock(List<String> serviceClusterCidrs, int ipVersion) {
        List<IptRule> rules = new ArrayList<>();
        String action = switch (config.serviceLoopPrevention()) {
            case "Drop" -> Actions.DROP;
            case "Reject" -> StaticFragments.REJECT;
            default -> null;
        };
        if (action != null) {
            List<String> sorted = new ArrayList<>(serviceClusterCidrs);
            sorted.sort(null);
            for (String cidr : sorted) {
                if (cidr.contains(":") == (ipVersion == 6)) {
                    rules.add(new IptRule(Match.match().destNet(cidr).fragments(), action));
                }
            }
        }
        return new Chain(CIDR_BLOCK, rules);
    }
}
