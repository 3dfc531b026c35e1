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
 * <p>Not here yet: host endpoint chains (failsafe jumps, forward and untracked/pre-DNAT types) and the
 * {@code cali-sm-} endpoint-mark chain used only with kube-proxy IPVS.
 */
public final class EndpointChains {
    public static final String TO_WORKLOAD_PREFIX = "cali-tw-";
    public static final String FROM_WORKLOAD_PREFIX = "cali-fw-";
    private static final int PROTO_UDP = 17;
    private static final int PROTO_IPIP = 4;

    /**
     * @param filterAllowAction       {@link Actions#ACCEPT} (FelixConfiguration iptablesFilterAllowAction default) or
     *                                {@link Actions#RETURN}
     * @param disableConntrackInvalid FelixConfiguration disableConntrackInvalidCheck
     * @param vxlanPort               FelixConfiguration vxlanPort (4789 by default)
     */
    public record Config(Marks marks, String filterAllowAction, boolean disableConntrackInvalid,
                         boolean allowVxlanPacketsFromWorkloads, boolean allowIpipPacketsFromWorkloads, int vxlanPort) {

        public static Config defaults(Marks marks) {
            return new Config(marks, Actions.ACCEPT, false, false, false, 4789);
        }
    }

    private final Config config;

    public EndpointChains(Config config) {
        this.config = config;
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
        return List.of(
                chain(ingressPolicies, profiles, ifaceName, ChainNames.POLICY_INBOUND, ChainNames.PROFILE_INBOUND,
                        TO_WORKLOAD_PREFIX, adminUp, true, true),
                chain(egressPolicies, profiles, ifaceName, ChainNames.POLICY_OUTBOUND, ChainNames.PROFILE_OUTBOUND,
                        FROM_WORKLOAD_PREFIX, adminUp, config.allowVxlanPacketsFromWorkloads(),
                        config.allowIpipPacketsFromWorkloads()));
    }

    private Chain chain(List<String> policies, List<String> profiles, String ifaceName, String policyPrefix,
                        String profilePrefix, String endpointPrefix, boolean adminUp, boolean allowVxlan,
                        boolean allowIpip) {
        Marks m = config.marks();
        String name = chainName(endpointPrefix, ifaceName);
        List<IptRule> rules = new ArrayList<>();
        if (!adminUp) {
            rules.add(new IptRule(List.of(), Actions.DROP, List.of("Endpoint admin disabled")));
            return new Chain(name, rules);
        }
        // felix appendConntrackRules
        if (!config.filterAllowAction().equals(Actions.ACCEPT)) {
            rules.add(new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), Actions.setMark(m.accept())));
        }
        rules.add(new IptRule(List.of("-m conntrack --ctstate RELATED,ESTABLISHED"), config.filterAllowAction()));
        if (!config.disableConntrackInvalid()) {
            rules.add(new IptRule(List.of("-m conntrack --ctstate INVALID"), Actions.DROP));
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
                rules.add(new IptRule(acceptSet, Actions.RETURN, List.of("Return if policy accepted")));
            }
            rules.add(new IptRule(passClear, Actions.DROP, List.of("Drop if no policies passed packet")));
        }
        for (String profile : profiles) {
            rules.add(new IptRule(List.of(), Actions.jump(ChainNames.profileChain(profilePrefix, profile))));
            rules.add(new IptRule(acceptSet, Actions.RETURN, List.of("Return if profile accepted")));
        }
        rules.add(new IptRule(List.of(), Actions.DROP, List.of("Drop if no profiles matched")));
        return new Chain(name, rules);
    }
}
