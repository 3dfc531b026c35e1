package dev.tabby.policy.render;

import java.util.List;

/**
 * {@code cali-from-wl-dispatch} and {@code cali-to-wl-dispatch}: send a packet to its workload's {@code cali-fw-} /
 * {@code cali-tw-} chain by interface name, as felix rules/dispatch.go WorkloadDispatchChains does (prefix tree of
 * child chains: {@link InterfaceDispatch}); a packet of no known workload is dropped.
 */
public final class WorkloadDispatch {
    public static final String FROM_WORKLOAD_DISPATCH = "cali-from-wl-dispatch";
    public static final String TO_WORKLOAD_DISPATCH = "cali-to-wl-dispatch";

    private WorkloadDispatch() {
    }

    private static final List<IptRule> END_RULES = List.of(
            new IptRule(List.of(), Actions.DROP, List.of("Unknown interface")));

    /** Child chains first, then the root, from-dispatch before to-dispatch (Felix's order). */
    public static List<Chain> chains(List<String> interfaceNames) {
        return InterfaceDispatch.chains(interfaceNames, EndpointChains.FROM_WORKLOAD_PREFIX,
                EndpointChains.TO_WORKLOAD_PREFIX, FROM_WORKLOAD_DISPATCH, TO_WORKLOAD_DISPATCH, END_RULES, END_RULES);
    }
}
