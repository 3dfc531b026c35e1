package dev.tabby.policy.render;

import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.PolicyResolver.Resolution;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every host endpoint chain of a node, per table, as felix dataplane/linux/endpoint_mgr.go (v3.18)
 * updateHostEndpoints programs them once it knows which host endpoint protects which interface:
 * <ul>
 * <li>filter: each endpoint's {@code cali-th-}, {@code cali-fh-}, {@code cali-thfw-}, {@code cali-fhfw-}; then
 * {@code cali-from-host-endpoint}, {@code cali-to-host-endpoint}, {@code cali-from-hep-forward},
 * {@code cali-to-hep-forward};</li>
 * <li>mangle: each endpoint's egress {@code cali-th-}, and {@code cali-fh-} for those with preDNAT policy; then
 * {@code cali-from-host-endpoint} (preDNAT endpoints only) and {@code cali-to-host-endpoint};</li>
 * <li>raw: {@code cali-th-} and {@code cali-fh-} for endpoints with doNotTrack policy; then
 * {@code cali-from-host-endpoint} and {@code cali-to-host-endpoint} over those.</li>
 * </ul>
 * The all-interfaces host endpoint ({@code interfaceName: "*"}) is rendered under Felix's name
 * {@value #ALL_INTERFACES} (longer than any real interface name, so it can never match one) and becomes the default
 * of the filter and mangle dispatch chains. As in Felix v3.18, the raw table gets no such default: doNotTrack policy
 * does not apply through an all-interfaces host endpoint.
 */
public final class HostEndpointTables {
    /** How a HostEndpoint names every interface (projectcalico.org/v3 HostEndpoint spec.interfaceName). */
    public static final String WILDCARD = "*";
    /** felix endpoint_mgr.go allInterfaces. */
    public static final String ALL_INTERFACES = "any-interface-at-all";

    /** Chains for each table; dispatch chains last. */
    public record Tables(List<Chain> filter, List<Chain> mangle, List<Chain> raw) {
        public Tables {
            filter = List.copyOf(filter);
            mangle = List.copyOf(mangle);
            raw = List.copyOf(raw);
        }
    }

    private final HostEndpointChains endpoints;
    private final HostDispatch dispatch;

    /**
     * @param workloadInterfacePrefixes FelixConfiguration interfacePrefix split at commas (default "cali")
     */
    public HostEndpointTables(EndpointChains.Config config, List<String> workloadInterfacePrefixes) {
        this.endpoints = new HostEndpointChains(config);
        this.dispatch = new HostDispatch(workloadInterfacePrefixes);
    }

    /**
     * @param byInterface the host endpoint resolution for each protected interface of this node, keyed by interface
     *                    name, or {@value #WILDCARD} for the all-interfaces host endpoint
     */
    public Tables render(Map<String, Resolution> byInterface) {
        TreeMap<String, Resolution> named = new TreeMap<>();
        Resolution wildcard = null;
        for (Map.Entry<String, Resolution> e : byInterface.entrySet()) {
            if (e.getKey().equals(WILDCARD)) {
                wildcard = e.getValue();
            } else {
                named.put(e.getKey(), e.getValue());
            }
        }
        TreeMap<String, Resolution> all = new TreeMap<>(named);
        if (wildcard != null) {
            all.put(ALL_INTERFACES, wildcard);
        }

        List<Chain> filter = new ArrayList<>();
        List<Chain> mangle = new ArrayList<>();
        List<Chain> raw = new ArrayList<>();
        List<String> preDnatNamed = new ArrayList<>();
        List<String> untracked = new ArrayList<>();
        for (Map.Entry<String, Resolution> e : all.entrySet()) {
            String iface = e.getKey();
            Resolution r = e.getValue();
            filter.addAll(endpoints.filter(iface, names(r.ingress()), names(r.egress()), names(r.forwardIngress()),
                    names(r.forwardEgress()), r.profiles()));
            mangle.addAll(endpoints.mangleEgress(iface, names(r.egress()), r.profiles()));
            // Felix programs pre-DNAT and raw chains only where such policy exists: every packet walks them.
            if (!r.preDnatIngress().isEmpty()) {
                mangle.addAll(endpoints.mangleIngress(iface, names(r.preDnatIngress())));
                if (!iface.equals(ALL_INTERFACES)) {
                    preDnatNamed.add(iface);
                }
            }
            if (!r.untrackedIngress().isEmpty() || !r.untrackedEgress().isEmpty()) {
                raw.addAll(endpoints.raw(iface, names(r.untrackedIngress()), names(r.untrackedEgress())));
                // Felix keeps the all-interfaces name here: its raw dispatch rule names an interface that cannot exist.
                untracked.add(iface);
            }
        }

        List<String> namedIfaces = List.copyOf(named.keySet());
        String defaultIface = wildcard == null ? null : ALL_INTERFACES;
        String preDnatDefault = wildcard != null && !wildcard.preDnatIngress().isEmpty() ? ALL_INTERFACES : null;
        filter.addAll(dispatch.hostDispatchChains(namedIfaces, defaultIface, true));
        mangle.addAll(dispatch.fromHostDispatchChains(preDnatNamed, preDnatDefault));
        mangle.addAll(dispatch.toHostDispatchChains(namedIfaces, defaultIface));
        raw.addAll(dispatch.hostDispatchChains(untracked, null, false));
        return new Tables(filter, mangle, raw);
    }

    private static List<String> names(List<CalicoPolicy> policies) {
        return policies.stream().map(CalicoPolicy::name).toList();
    }
}
