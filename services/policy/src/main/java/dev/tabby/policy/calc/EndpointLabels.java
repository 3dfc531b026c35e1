package dev.tabby.policy.calc;

import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels policy selectors see on an endpoint: its own, then those its profiles apply ({@code labelsToApply}),
 * an endpoint's own label winning over an inherited one and an earlier profile over a later one (felix
 * labelindex/label_inheritance_index.go).
 */
public final class EndpointLabels {
    private EndpointLabels() {
    }

    /**
     * The effective labels of a workload endpoint. Besides its listed profiles it inherits from its namespace's
     * profile {@code kns.<ns>} when that exists (Calico's Kubernetes endpoints list it first), gets
     * {@code projectcalico.org/namespace} from its namespace when it does not carry it already (Calico's clientv3
     * writes it onto the endpoint; the service account is the {@code projectcalico.org/serviceaccount} label the pod
     * conversion and the CNI plugin write).
     */
    public static Map<String, String> of(WorkloadEndpoint wep, Map<String, Profile> profiles) {
        Map<String, String> own = new LinkedHashMap<>(wep.metadata().labelsOrEmpty());
        String ns = wep.metadata().namespace();
        if (ns != null && !ns.isEmpty()) {
            own.putIfAbsent(Labels.NAMESPACE, ns);
        }
        List<String> profileNames = new ArrayList<>();
        if (ns != null && !ns.isEmpty()) {
            profileNames.add(Labels.NAMESPACE_PROFILE_PREFIX + ns);
        }
        if (wep.spec() != null && wep.spec().profiles() != null) {
            profileNames.addAll(wep.spec().profiles());
        }
        return inherit(own, profileNames, profiles);
    }

    /** The effective labels of a host endpoint: its own, then its profiles'. */
    public static Map<String, String> of(HostEndpoint hep, Map<String, Profile> profiles) {
        List<String> names = hep.spec() == null || hep.spec().profiles() == null ? List.of() : hep.spec().profiles();
        return inherit(new LinkedHashMap<>(hep.metadata().labelsOrEmpty()), names, profiles);
    }

    static Map<String, String> inherit(Map<String, String> own, List<String> profileNames, Map<String, Profile> profiles) {
        Map<String, String> out = new LinkedHashMap<>(own);
        for (String name : profileNames) {
            Profile p = profiles.get(name);
            if (p == null || p.spec() == null || p.spec().labelsToApply() == null) {
                continue;
            }
            p.spec().labelsToApply().forEach(out::putIfAbsent);
        }
        return Map.copyOf(out);
    }
}
