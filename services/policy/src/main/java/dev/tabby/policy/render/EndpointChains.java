package dev.tabby.policy.render;

import dev.tabby.policy.calc.Hashes;

import java.util.ArrayList;
import java.util.List;

/**
 * A workload endpoint's two filter chains, {@code cali-tw-<iface>} (traffic to the workload: ingress policies, then
 * inbound profiles) and {@code cali-fw-<iface>} (from it: egress policies, then outbound profiles), as felix
 * rules/endpoints.go WorkloadEndpointToIptablesChains / endpointIptablesChain (chain type "normal") render them:
 * conntrack shortcuts, accept mark cleared, encapsulated packets from workloads dropped, each policy jumped to while
 * the pass mark is clear and returned from once the accept mark is set, a drop when policies exist and none passed
 * or accepted, then the profiles, then a final drop.
 *
 * <p>{@link #endpointChain} is Felix's one chain builder for every kind of endpoint chain; {@link HostEndpointChains}
 * uses it for host endpoints' filter, forward, untracked (raw) and pre-DNAT (mangle) chains. Not here: the
 * {@code cali-sm-} endpoint-mark chain used only with kube-proxy IPVS.
 */
public final class EndpointChains {
    public static final String TO_WORKLOAD_PREFIX = "cali-tw-";
    public static final String FROM_WORKLOAD_PREFIX = "cali-fw-";
    private static final int PROTO_UDP = 17;
    private static final int PROTO_IPIP = 4;
    /** felix iptables/actions.go NoTrackAction. */
    static final String NOTRACK = "--jump NOTRACK";

    /**
     * @param filterAllowAction       {@link Actions#ACCEPT} (FelixConfiguration iptablesFilterAllowAction default) or
     *                                {@link Actions#RETURN}
     * @param disableConntrackInvalid FelixConfiguration disableConntrackInvalidCheck
     * @param vxlanPort               FelixConfiguration vxlanPort (4789 by default)
     * @param mangleAllowAction       {@link Actions#ACCEPT} (FelixConfiguration iptablesMangleAllowAction default) or
     *                                {@link Actions#RETURN}; used by host endpoints' pre-DNAT chains
     * @param flowLogs                Tabby's flow logs: an NFLOG rule before each implicit drop; null while off
     */
    public record Config(Marks marks, String filterAllowAction, boolean disableConntrackInvalid,
                         boolean allowVxlanPacketsFromWorkloads, boolean allowIpipPacketsFromWorkloads, int vxlanPort,
                         String mangleAllowAction, FlowLogRules flowLogs) {

        /** Without flow logs, as Felix renders. */
        public Config(Marks marks, String filterAllowAction, boolean disableConntrackInvalid,
                      boolean allowVxlanPacketsFromWorkloads, boolean allowIpipPacketsFromWorkloads, int vxlanPort,
                      String mangleAllowAction) {
            this(marks, filterAllowAction, disableConntrackInvalid, allowVxlanPacketsFromWorkloads,
                    allowIpipPacketsFromWorkloads, vxlanPort, mangleAllowAction, null);
        }

        /** The same settings with flow logs on ({@code flowLogs}) or off (null). */
        public Config withFlowLogs(FlowLogRules flowLogs) {
            return new Config(marks, filterAllowAction, disableConntrackInvalid, allowVxlanPacketsFromWorkloads,
                    allowIpipPacketsFromWorkloads, vxlanPort, mangleAllowAction, flowLogs);
        }

        /** Without a mangle allow action: Felix's default, ACCEPT. */
        public Config(Marks marks, String filterAllowAction, boolean disableConntrackInvalid,
                      boolean allowVxlanPacketsFromWorkloads, boolean allowIpipPacketsFromWorkloads, int vxlanPort) {
            this(marks, filterAllowAction, disableConntrackInvalid, allowVxlanPacketsFromWorkloads,
                    allowIpipPacketsFromWorkloads, vxlanPort, Actions.ACCEPT);
        }

        public static Config defaults(Marks marks) {
            return new Config(marks, Actions.ACCEPT, false, false, false, 4789, Actions.ACCEPT);
        }
    }

    /**
     * felix rules/endpoints.go endpointChainType: what the chain does after its policies.
     * NORMAL drops unless a policy passed, then runs the profiles and drops; FORWARD drops unless a policy passed and
     * allows when there is no policy; UNTRACKED (raw) and PRE_DNAT (mangle) only return, leaving the verdict to the
     * filter table, and UNTRACKED has no conntrack rules and marks accepted packets NOTRACK.
     */
    enum ChainType { NORMAL, UNTRACKED, PRE_DNAT, FORWARD }

    private final Config config;

    public EndpointChains(Config config) {
        this.config = config;
    }

    Config config() {
        return config;
    }

    /** felix EndpointChainName: the interface name, hashed to fit 28 characters when longer. */
    public static String chainName(String prefix, String ifaceName) {
        return Hashes.lengthLimitedId(prefix, ifaceName, ChainNames.MAX_CHAIN_NAME_LENGTH);
    }

    /**
     * @param ingressPolicies policy key names in evaluation order
     * @param profiles        profile names in the endpoint's order
     */
    public List<Chain> workload(String ifaceName, boolean adminUp, List<String> ingressPolicies,
                                List<String> egressPolicies, List<String> profiles) {
        // felix alwaysAllowVXLANEncap / alwaysAllowIPIPEncap for traffic to the workload.
        return List.of(
                endpointChain(ingressPolicies, profiles, ifaceName, ChainNames.POLICY_INBOUND,
                        ChainNames.PROFILE_INBOUND, TO_WORKLOAD_PREFIX, null, ChainType.NORMAL, adminUp,
                        config.filterAllowAction(), true, true),
                endpointChain(egressPolicies, profiles, ifaceName, ChainNames.POLICY_OUTBOUND,
                        ChainNames.PROFILE_OUTBOUND, FROM_WORKLOAD_PREFIX, null, ChainType.NORMAL, adminUp,
                        config.filterAllowAction(), config.allowVxlanPacketsFromWorkloads(),
                        config.allowIpipPacketsFromWorkloads()));
    }

    /**
     * felix endpointIptablesChain.
     *
     * @param failsafeChain chain jumped to right after the conntrack rules, or null for none
     * @param allowAction   what an established connection's packet gets: the table's allow action
     */
    Chain endpointChain(List<String> policies, List<String> profiles, String ifaceName, String policyPrefix,
                        String profilePrefix, String endpointPrefix, String failsafeChain, ChainType type,
                        boolean adminUp, String allowAction, boolean allowVxlan, boolean allowIpip) {
        Marks m = config.marks();
        String name = chainName(endpointPrefix, ifaceName);
        List<IptRule> rules = new ArrayList<>();
        if (!adminUp) {
            rules.add(new IptRule(List.of(), Actions.DROP, List.of("Endpoint admin disabled")));
            return new Chain(name, rules);
        }
        if (type != ChainType.UNTRACKED) {
            appendConntrackRules(rules, allowAction);
        }
        if (failsafeChain != null) {
            rules.add(new IptRule(List.of(), Actions.jump(failsafeChain)));
        }
        rules.add(new IptRule(List.of(), Actions.clearMark(m.accept())));
        if (!allowVxlan) {
            rules.add(new IptRule(List.of("-p " + PROTO_UDP, "-m multiport --destination-ports " + config.vxlanPort()),
                    Actions.DROP, List.of("Drop VXLAN encapped packets originating in workloads")));
        }
        if (!allowIpip) {
            rules.add(new IptRule(List.of("-p " + PROTO_IPIP), Actions.DROP,
                    List.of("Drop IPinIP encapped packets originating in workloads")));
        }
        List<String> passClear = Match.match().markClear(m.pass()).fragments();
        List<String> acceptSet = Match.match().markSingleBitSet(m.accept()).fragments();
        if (!policies.isEmpty()) {
            rules.add(new IptRule(List.of(), Actions.clearMark(m.pass()), List.of("Start of policies")));
            for (String policy : policies) {
                rules.add(new IptRule(passClear, Actions.jump(ChainNames.policyChain(policyPrefix, policy))));
                if (type == ChainType.UNTRACKED) {
                    // An untracked policy's allow means "NOTRACK and allow".
                    rules.add(new IptRule(acceptSet, NOTRACK));
                }
                rules.add(new IptRule(acceptSet, Actions.RETURN, List.of("Return if policy accepted")));
            }
            if (type == ChainType.NORMAL || type == ChainType.FORWARD) {
                // Raw and pre-DNAT chains do not drop: the filter table's normal policy still applies after them.
                flowLog(rules, passClear, policyPrefix, FlowPolicyNames.endOfTier(FlowPolicyNames.DEFAULT_TIER));
                rules.add(new IptRule(passClear, Actions.DROP, List.of("Drop if no policies passed packet")));
            }
        } else if (type == ChainType.FORWARD) {
            // Forwarded traffic is allowed when no applyOnForward policy applies in this direction.
            rules.add(new IptRule(List.of(), Actions.setMark(m.accept()), List.of("Allow forwarded traffic by default")));
            rules.add(new IptRule(List.of(), Actions.RETURN, List.of("Return for accepted forward traffic")));
        }
        if (type == ChainType.NORMAL) {
            for (String profile : profiles) {
                rules.add(new IptRule(List.of(), Actions.jump(ChainNames.profileChain(profilePrefix, profile))));
                rules.add(new IptRule(acceptSet, Actions.RETURN, List.of("Return if profile accepted")));
            }
            flowLog(rules, List.of(), policyPrefix, profiles.isEmpty() ? FlowPolicyNames.NO_POLICY
                    : FlowPolicyNames.profile(profiles.get(profiles.size() - 1)));
            rules.add(new IptRule(List.of(), Actions.DROP, List.of("Drop if no profiles matched")));
        }
        return new Chain(name, rules);
    }

    /** With flow logs on, the NFLOG rule of an implicit drop (rule -1), with the drop's match, just before it. */
    private void flowLog(List<IptRule> rules, List<String> match, String policyPrefix, String flowPolicyName) {
        FlowLogRules f = config.flowLogs();
        if (f != null) {
            boolean ingress = policyPrefix.equals(ChainNames.POLICY_INBOUND);
            rules.add(new IptRule(match, f.action(ingress, VerdictPrefix.of(false, -1, flowPolicyName))));
        }
    }

    /** felix appendConntrackRules. */
    private void appendConntrackRules(List<IptRule> rules, String allowAction) {
        if (!allowAction.equals(Actions.ACCEPT)) {
            // Returning instead of accepting: flag the packet as allowed first.
            rules.add(new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"),
                    Actions.setMark(config.marks().accept())));
        }
        rules.add(new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), allowAction));
        if (!config.disableConntrackInvalid()) {
            rules.add(new IptRule(List.of("-m conntrack --ctstate INVALID"), Actions.DROP));
        }
    }
}
