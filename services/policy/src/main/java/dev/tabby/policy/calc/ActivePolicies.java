package dev.tabby.policy.calc;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policies this node's endpoints use, kept incrementally (the job of felix calc/active_rules_calculator.go and
 * policy_resolver.go): every change answers with the local endpoints whose ordered policy lists changed, so a label
 * or policy change re-renders only those endpoints' chains; {@link #activePolicies()} are the policies whose chains
 * must exist (Felix renders only policies that select a local endpoint).
 *
 * <p>Not thread-safe: one calculation thread owns it.
 */
public final class ActivePolicies {
    private final Map<String, CalicoPolicy> policies = new TreeMap<>();
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final Map<String, PolicyResolver.Resolution> resolutions = new HashMap<>();

    private record Endpoint(Map<String, String> labels, List<String> profiles) {
    }

    /** Adds or replaces a local endpoint; returns its key when its resolution changed, else nothing. */
    public Set<String> putEndpoint(String key, Map<String, String> labels, List<String> profiles) {
        endpoints.put(key, new Endpoint(Map.copyOf(labels), profiles == null ? List.of() : List.copyOf(profiles)));
        return reresolve(List.of(key));
    }

    public Set<String> removeEndpoint(String key) {
        endpoints.remove(key);
        return resolutions.remove(key) == null ? Set.of() : Set.of(key);
    }

    /** Adds or replaces a policy (by its key name); returns the endpoints whose resolution changed. */
    public Set<String> putPolicy(CalicoPolicy p) {
        CalicoPolicy old = policies.put(p.name(), p);
        if (p.equals(old)) {
            return Set.of();
        }
        return reresolve(endpoints.keySet());
    }

    public Set<String> removePolicy(String name) {
        if (policies.remove(name) == null) {
            return Set.of();
        }
        return reresolve(endpoints.keySet());
    }

    public PolicyResolver.Resolution resolution(String endpointKey) {
        return resolutions.get(endpointKey);
    }

    /** Names of the policies at least one local endpoint uses, in any direction or kind; sorted. */
    public Set<String> activePolicies() {
        Set<String> out = new TreeSet<>();
        for (PolicyResolver.Resolution r : resolutions.values()) {
            for (List<CalicoPolicy> l : List.of(r.ingress(), r.egress(), r.forwardIngress(), r.forwardEgress(),
                    r.untrackedIngress(), r.untrackedEgress(), r.preDnatIngress())) {
                l.forEach(p -> out.add(p.name()));
            }
        }
        return out;
    }

    /** Names of the profiles at least one local endpoint falls back to; sorted. */
    public Set<String> activeProfiles() {
        Set<String> out = new TreeSet<>();
        for (PolicyResolver.Resolution r : resolutions.values()) {
            out.addAll(r.profiles());
        }
        return out;
    }

    private Set<String> reresolve(Collection<String> keys) {
        Set<String> changed = new LinkedHashSet<>();
        for (String key : keys) {
            Endpoint e = endpoints.get(key);
            PolicyResolver.Resolution now = PolicyResolver.resolve(e.labels(), e.profiles(), policies.values());
            if (!Objects.equals(resolutions.put(key, now), now)) {
                changed.add(key);
            }
        }
        return changed;
    }
}
