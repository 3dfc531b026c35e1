package dev.tabby.policy.explain;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;

import java.util.ArrayList;
import java.util.List;

/** A cluster from a manifest, as an operator would apply it. */
final class ExplainFixtures {
    private ExplainFixtures() {
    }

    static final String HEADER = "apiVersion: projectcalico.org/v3\n";

    static Cluster cluster(String... documents) {
        return cluster(null, documents);
    }

    static Cluster cluster(WorkloadChainSettings settings, String... documents) {
        List<Resource> all = ResourceCodec.read(String.join("---\n", documents)).resources();
        List<WorkloadEndpoint> weps = new ArrayList<>();
        List<HostEndpoint> heps = new ArrayList<>();
        List<NetworkSet> sets = new ArrayList<>();
        List<GlobalNetworkSet> gsets = new ArrayList<>();
        List<NetworkPolicy> nps = new ArrayList<>();
        List<GlobalNetworkPolicy> gnps = new ArrayList<>();
        List<Profile> profiles = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (Resource r : all) {
            if (r instanceof WorkloadEndpoint w) {
                weps.add(w);
            } else if (r instanceof HostEndpoint h) {
                heps.add(h);
            } else if (r instanceof NetworkSet n) {
                sets.add(n);
            } else if (r instanceof GlobalNetworkSet g) {
                gsets.add(g);
            } else if (r instanceof NetworkPolicy n) {
                nps.add(n);
            } else if (r instanceof GlobalNetworkPolicy g) {
                gnps.add(g);
            } else if (r instanceof Profile p) {
                profiles.add(p);
            } else if (r instanceof Node n) {
                nodes.add(n);
            } else {
                throw new IllegalArgumentException("not a policy input: " + r);
            }
        }
        return new Cluster(weps, heps, sets, gsets, nps, gnps, profiles, nodes, settings);
    }

    /** A pod's endpoint as Calico's Kubernetes conversion writes it: namespace and service-account profiles. */
    static String pod(String ns, String name, String ip, String labels, String serviceAccount, String ports) {
        return HEADER + "kind: WorkloadEndpoint\nmetadata:\n  name: node1-k8s-" + name + "-eth0\n  namespace: " + ns
                + "\n  labels:\n" + labels.lines().map(l -> "    " + l + "\n").reduce("", String::concat)
                + "    projectcalico.org/namespace: " + ns + "\n    projectcalico.org/orchestrator: k8s\n"
                + "    projectcalico.org/serviceaccount: " + serviceAccount + "\n"
                + "spec:\n  orchestrator: k8s\n  node: node1\n  pod: " + name + "\n  endpoint: eth0\n"
                + "  interfaceName: cali" + name + "\n"
                + "  ipNetworks: [" + ip + "]\n  profiles: [kns." + ns + ", ksa." + ns + "." + serviceAccount + "]\n"
                + (ports == null ? "" : "  ports:\n" + ports);
    }

    /** The namespace's profile as Calico's Kubernetes conversion writes it: allow all, the namespace's labels. */
    static String namespace(String ns, String labels) {
        return HEADER + "kind: Profile\nmetadata:\n  name: kns." + ns + "\nspec:\n  ingress:\n  - action: Allow\n"
                + "  egress:\n  - action: Allow\n  labelsToApply:\n    pcns.projectcalico.org/name: " + ns + "\n"
                + labels.lines().map(l -> "    pcns." + l + "\n").reduce("", String::concat);
    }

    static String serviceAccount(String ns, String sa, String labels) {
        return HEADER + "kind: Profile\nmetadata:\n  name: ksa." + ns + "." + sa + "\nspec:\n  labelsToApply:\n"
                + "    pcsa.projectcalico.org/name: " + sa + "\n"
                + labels.lines().map(l -> "    pcsa." + l + "\n").reduce("", String::concat);
    }

    static WorkloadEndpoint workload(Cluster c, String ns, String pod) {
        return c.workloadEndpoints().stream()
                .filter(w -> w.metadata().namespace().equals(ns) && w.spec().pod().equals(pod))
                .findFirst().orElseThrow();
    }
}
