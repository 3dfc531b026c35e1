package dev.tabby.policy.render;

import dev.tabby.policy.render.EndpointChains.ChainType;

import java.util.List;

/**
 * One host endpoint's chains, as felix rules/endpoints.go (v3.18) renders them for an interface:
 * <ul>
 * <li>filter ({@link #filter}): {@code cali-th-<iface>} (host to the interface: egress policies, outbound profiles),
 * {@code cali-fh-<iface>} (from the interface to the host: ingress policies, inbound profiles), each jumping to
 * {@code cali-failsafe-out} / {@code cali-failsafe-in} first; {@code cali-thfw-<iface>} / {@code cali-fhfw-<iface>}
 * for forwarded traffic (applyOnForward policies only, no failsafe, no profiles, allowed when no policy applies);</li>
 * <li>mangle, normal egress ({@link #mangleEgress}): {@code cali-th-<iface>} again, allowing with RETURN;</li>
 * <li>mangle, pre-DNAT ({@link #mangleIngress}): {@code cali-fh-<iface>} with the preDNAT policies, allowing with
 * FelixConfiguration iptablesMangleAllowAction, never dropping;</li>
 * <li>raw, untracked ({@link #raw}): {@code cali-th-} / {@code cali-fh-} with the doNotTrack policies, no conntrack
 * rules, NOTRACK on allow, never dropping.</li>
 * </ul>
 * Policy names are key names in evaluation order ({@code CalicoPolicy.name()}).
 */
public final class HostEndpointChains {
    public static final String TO_HOST_ENDPOINT_PREFIX = "cali-th-";
    public static final String FROM_HOST_ENDPOINT_PREFIX = "cali-fh-";
    public static final String TO_HOST_ENDPOINT_FORWARD_PREFIX = "cali-thfw-";
    public static final String FROM_HOST_ENDPOINT_FORWARD_PREFIX = "cali-fhfw-";
    /** The static chains holding the failsafe ports (felix rules/rule_defs.go ChainFailsafeIn / ChainFailsafeOut). */
    private static final String FAILSAFE_IN = StaticChains.FAILSAFE_IN;
    private static final String FAILSAFE_OUT = StaticChains.FAILSAFE_OUT;

    private final EndpointChains base;

    public HostEndpointChains(EndpointChains.Config config) {
        this.base = new EndpointChains(config);
    }

    /** felix HostEndpointToFilterChains (without the IPVS-only {@code cali-sm-} chain): th, fh, thfw, fhfw. */
    public List<Chain> filter(String ifaceName, List<String> ingressPolicies, List<String> egressPolicies,
                              List<String> forwardIngressPolicies, List<String> forwardEgressPolicies,
                              List<String> profiles) {
        String allow = base.config().filterAllowAction();
        return List.of(
                base.endpointChain(egressPolicies, profiles, ifaceName, ChainNames.POLICY_OUTBOUND,
                        ChainNames.PROFILE_OUTBOUND, TO_HOST_ENDPOINT_PREFIX, FAILSAFE_OUT, ChainType.NORMAL, true,
                        allow, true, true),
                base.endpointChain(ingressPolicies, profiles, ifaceName, ChainNames.POLICY_INBOUND,
                        ChainNames.PROFILE_INBOUND, FROM_HOST_ENDPOINT_PREFIX, FAILSAFE_IN, ChainType.NORMAL, true,
                        allow, true, true),
                base.endpointChain(forwardEgressPolicies, profiles, ifaceName, ChainNames.POLICY_OUTBOUND,
                        ChainNames.PROFILE_OUTBOUND, TO_HOST_ENDPOINT_FORWARD_PREFIX, null, ChainType.FORWARD, true,
                        allow, true, true),
                base.endpointChain(forwardIngressPolicies, profiles, ifaceName, ChainNames.POLICY_INBOUND,
                        ChainNames.PROFILE_INBOUND, FROM_HOST_ENDPOINT_FORWARD_PREFIX, null, ChainType.FORWARD, true,
                        allow, true, true));
    }

    /**
     * felix HostEndpointToMangleEgressChains: {@code cali-th-<iface>} in mangle with the normal egress policies and
     * profiles, allowing with RETURN (mangle may still have packet changes to make to allowed traffic).
     */
    public List<Chain> mangleEgress(String ifaceName, List<String> egressPolicies, List<String> profiles) {
        return List.of(base.endpointChain(egressPolicies, profiles, ifaceName, ChainNames.POLICY_OUTBOUND,
                ChainNames.PROFILE_OUTBOUND, TO_HOST_ENDPOINT_PREFIX, FAILSAFE_OUT, ChainType.NORMAL, true,
                Actions.RETURN, true, true));
    }

    /** felix HostEndpointToRawChains: untracked {@code cali-th-} then {@code cali-fh-}; no profiles in raw. */
    public List<Chain> raw(String ifaceName, List<String> untrackedIngressPolicies,
                           List<String> untrackedEgressPolicies) {
        return List.of(
                base.endpointChain(untrackedEgressPolicies, List.of(), ifaceName, ChainNames.POLICY_OUTBOUND,
                        ChainNames.PROFILE_OUTBOUND, TO_HOST_ENDPOINT_PREFIX, FAILSAFE_OUT, ChainType.UNTRACKED, true,
                        Actions.ACCEPT, true, true),
                base.endpointChain(untrackedIngressPolicies, List.of(), ifaceName, ChainNames.POLICY_INBOUND,
                        ChainNames.PROFILE_INBOUND, FROM_HOST_ENDPOINT_PREFIX, FAILSAFE_IN, ChainType.UNTRACKED, true,
                        Actions.ACCEPT, true, true));
    }

    /**
     * felix HostEndpointToMangleIngressChains: the pre-DNAT {@code cali-fh-<iface>} in mangle. Pre-DNAT policy never
     * applies to traffic leaving through a host endpoint, so there is no {@code cali-th-} counterpart.
     */
    public List<Chain> mangleIngress(String ifaceName, List<String> preDnatIngressPolicies) {
        return List.of(base.endpointChain(preDnatIngressPolicies, List.of(), ifaceName, ChainNames.POLICY_INBOUND,
                ChainNames.PROFILE_INBOUND, FROM_HOST_ENDPOINT_PREFIX, FAILSAFE_IN, ChainType.PRE_DNAT, true,
                base.config().mangleAllowAction(), true, true));
    }
}
