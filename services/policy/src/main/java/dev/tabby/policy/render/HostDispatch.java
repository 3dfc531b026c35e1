package dev.tabby.policy.render;

import java.util.ArrayList;
import java.util.List;

import static dev.tabby.policy.render.HostEndpointChains.FROM_HOST_ENDPOINT_FORWARD_PREFIX;
import static dev.tabby.policy.render.HostEndpointChains.FROM_HOST_ENDPOINT_PREFIX;
import static dev.tabby.policy.render.HostEndpointChains.TO_HOST_ENDPOINT_FORWARD_PREFIX;
import static dev.tabby.policy.render.HostEndpointChains.TO_HOST_ENDPOINT_PREFIX;

/**
 * Host endpoint dispatch chains, as felix rules/dispatch.go (v3.18) HostDispatchChains / FromHostDispatchChains /
 * ToHostDispatchChains render them: {@code cali-from-host-endpoint} / {@code cali-to-host-endpoint} (and, applying on
 * forward, {@code cali-from-hep-forward} / {@code cali-to-hep-forward}) go to {@code cali-fh-} / {@code cali-th-} /
 * {@code cali-fhfw-} / {@code cali-thfw-<iface>} by interface name ({@link InterfaceDispatch}'s prefix tree). Unlike
 * the workload dispatch, an unknown interface falls through (is not a host endpoint), unless a default interface
 * name is given: the all-interfaces host endpoint ({@code interfaceName: "*"}), whose chains then catch every
 * packet no named host endpoint took.
 */
public final class HostDispatch {
    public static final String FROM_HOST_ENDPOINT = "cali-from-host-endpoint";
    public static final String TO_HOST_ENDPOINT = "cali-to-host-endpoint";
    public static final String FROM_HOST_ENDPOINT_FORWARD = "cali-from-hep-forward";
    public static final String TO_HOST_ENDPOINT_FORWARD = "cali-to-hep-forward";

    private final List<String> workloadInterfacePrefixes;

    /**
     * @param workloadInterfacePrefixes FelixConfiguration interfacePrefix split at commas (Felix's default: "cali")
     */
    public HostDispatch(List<String> workloadInterfacePrefixes) {
        this.workloadInterfacePrefixes = List.copyOf(workloadInterfacePrefixes);
    }

    /**
     * felix HostDispatchChains: from and to host endpoint dispatch, and with {@code applyOnForward} the forward pair
     * too. The filter table uses it with applyOnForward, the raw table (untracked policy) without.
     *
     * @param defaultIfaceName the interface name whose chains take packets no listed interface matched, or null
     */
    public List<Chain> hostDispatchChains(List<String> interfaceNames, String defaultIfaceName,
                                          boolean applyOnForward) {
        EndRules end = endRules(defaultIfaceName, applyOnForward);
        List<Chain> out = new ArrayList<>(InterfaceDispatch.chains(interfaceNames, FROM_HOST_ENDPOINT_PREFIX,
                TO_HOST_ENDPOINT_PREFIX, FROM_HOST_ENDPOINT, TO_HOST_ENDPOINT, end.from(), end.to()));
        if (applyOnForward) {
            out.addAll(InterfaceDispatch.chains(interfaceNames, FROM_HOST_ENDPOINT_FORWARD_PREFIX,
                    TO_HOST_ENDPOINT_FORWARD_PREFIX, FROM_HOST_ENDPOINT_FORWARD, TO_HOST_ENDPOINT_FORWARD,
                    end.fromForward(), end.toForward()));
        }
        return out;
    }

    /** felix FromHostDispatchChains: {@code cali-from-host-endpoint} only, for pre-DNAT policy (mangle). */
    public List<Chain> fromHostDispatchChains(List<String> interfaceNames, String defaultIfaceName) {
        EndRules end = endRules(defaultIfaceName, false);
        return InterfaceDispatch.chains(interfaceNames, FROM_HOST_ENDPOINT_PREFIX, null, FROM_HOST_ENDPOINT, null,
                end.from(), end.to());
    }

    /**
     * felix ToHostDispatchChains: {@code cali-to-host-endpoint} only, for normal egress policy on traffic from the host
     * that was DNATed (mangle). With a default interface, traffic to a local workload skips the all-interfaces host
     * endpoint's egress policy.
     */
    public List<Chain> toHostDispatchChains(List<String> interfaceNames, String defaultIfaceName) {
        EndRules end = endRules(defaultIfaceName, false);
        return InterfaceDispatch.chains(interfaceNames, null, TO_HOST_ENDPOINT_PREFIX, null, TO_HOST_ENDPOINT,
                end.from(), end.to());
    }

    private record EndRules(List<IptRule> from, List<IptRule> to, List<IptRule> fromForward,
                            List<IptRule> toForward) {
    }

    /** felix hostDispatchChains: the rules ending each chain, empty without a default interface. */
    private EndRules endRules(String defaultIfaceName, boolean applyOnForward) {
        if (defaultIfaceName == null || defaultIfaceName.isEmpty()) {
            return new EndRules(List.of(), List.of(), List.of(), List.of());
        }
        List<IptRule> to = new ArrayList<>();
        if (!applyOnForward) {
            // Wildcard host endpoint normal policy never applies to traffic going to a local workload.
            for (String prefix : workloadInterfacePrefixes) {
                to.add(new IptRule(List.of("--out-interface " + prefix + "+"), Actions.RETURN,
                        List.of("Skip egress WHEP policy for traffic to local workload")));
            }
        }
        to.add(gotoEndpoint(TO_HOST_ENDPOINT_PREFIX, defaultIfaceName));
        return new EndRules(
                List.of(gotoEndpoint(FROM_HOST_ENDPOINT_PREFIX, defaultIfaceName)),
                List.copyOf(to),
                List.of(gotoEndpoint(FROM_HOST_ENDPOINT_FORWARD_PREFIX, defaultIfaceName)),
                List.of(gotoEndpoint(TO_HOST_ENDPOINT_FORWARD_PREFIX, defaultIfaceName)));
    }

    private static IptRule gotoEndpoint(String prefix, String ifaceName) {
        return new IptRule(List.of(), Actions.gotoChain(EndpointChains.chainName(prefix, ifaceName)));
    }
}
