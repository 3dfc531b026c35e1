package dev.tabby.policy.calc;

import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.WorkloadEndpoint;

import java.util.List;
import java.util.Map;

/** Small builders for v3 resources in tests. */
final class Fixtures {
    private Fixtures() {
    }

    static final Rule ALLOW = new Rule("Allow", null, null, null, null, null, null, null, null, null);

    static ObjectMeta meta(String namespace, String name, Map<String, String> labels) {
        return new ObjectMeta(name, namespace, null, null, null, labels, null);
    }

    static NetworkPolicy np(String ns, String name, Double order, String selector, List<String> types,
                            List<Rule> ingress, List<Rule> egress) {
        return new NetworkPolicy(meta(ns, name, null), new NetworkPolicy.Spec(order, selector, types, ingress, egress, null));
    }

    static GlobalNetworkPolicy gnp(String name, Double order, String selector, List<String> types,
                                   List<Rule> ingress, List<Rule> egress) {
        return new GlobalNetworkPolicy(meta(null, name, null), new GlobalNetworkPolicy.Spec(order, selector, types,
                ingress, egress, null, null, null, null, null));
    }

    static WorkloadEndpoint wep(String ns, String name, Map<String, String> labels, List<String> profiles,
                                String serviceAccount, List<String> ips, List<EndpointPort> ports) {
        Map<String, String> all = new java.util.LinkedHashMap<>(labels == null ? Map.of() : labels);
        if (serviceAccount != null) {
            all.putIfAbsent("projectcalico.org/serviceaccount", serviceAccount); // as Calico's pod conversion labels it
        }
        return new WorkloadEndpoint(meta(ns, name, all), new WorkloadEndpoint.Spec("k8s", name, "node1", null, name,
                "eth0", ips, null, null, null, profiles, "cali" + name, null, ports));
    }

    static Profile profile(String name, Map<String, String> labelsToApply, List<Rule> ingress, List<Rule> egress) {
        return new Profile(meta(null, name, null), new Profile.Spec(ingress, egress, labelsToApply));
    }
}
