package dev.tabby.renderer.bench;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.renderer.state.ResourceChange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's cluster, as resources the syncer would deliver: one IP pool, the nodes, a Kubernetes-style
 * namespace profile per namespace, {@value #LOCAL} workload endpoints on this node, {@value #REMOTE} on other nodes,
 * and {@value #POLICIES} policies (GlobalNetworkPolicy and NetworkPolicy alternating) whose endpoint selectors and
 * rule selectors use five labels: app (20 values), tier (5), env (3), team (7), zone (4).
 *
 * <p>Every endpoint carries all five labels, derived from its index so each value combination recurs across the
 * cluster: an endpoint selector picks about one endpoint in fifteen, a rule selector one in a hundred (app and tier)
 * up to one in three (env), so most sets hold hundreds or thousands of addresses. Every resource goes through the
 * datastore's encoding and decoding, as the syncer delivers it (types defaulted, values validated).
 */
final class BenchCluster {
    static final int LOCAL = 1000;
    static final int REMOTE = 10_000;
    static final int POLICIES = 200;
    static final int REMOTE_NODES = 100;
    static final int NAMESPACES = 4;
    static final String NODE = "bench-local";
    static final String POOL = "10.64.0.0/16";

    static final String[] TIERS = {"web", "api", "db", "cache", "batch"};
    static final String[] ENVS = {"prod", "staging", "dev"};

    private BenchCluster() {
    }

    /** A cluster-wide FelixConfiguration choosing the iptables backend ({@code legacy} or {@code nft}). */
    static ResourceChange backend(String backend) {
        String yaml = """
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: default}
                spec: {iptablesBackend: %s}
                """.formatted(backend.equals("nft") ? "NFT" : "Legacy");
        Resource r = ResourceCodec.read(yaml).resources().get(0);
        return new ResourceChange(Kind.FELIX_CONFIGURATION, "default", r);
    }

    /** Everything but the endpoints: pool, nodes, profiles, policies. */
    static List<ResourceChange> base() {
        List<ResourceChange> out = new ArrayList<>();
        out.add(change(Kind.IP_POOL, null, new IPPool(ObjectMeta.named("bench-pool"),
                new IPPool.Spec(POOL, "Always", "Never", true, false, 26, "all()"))));
        out.add(change(Kind.NODE, null, node(NODE, "10.250.0.1/16")));
        for (int n = 0; n < REMOTE_NODES; n++) {
            out.add(change(Kind.NODE, null, node(remoteNode(n), "10.250.1." + (n + 1) + "/16")));
        }
        for (int n = 0; n < NAMESPACES; n++) {
            out.add(change(Kind.PROFILE, null, namespaceProfile(namespace(n))));
        }
        for (int p = 0; p < POLICIES; p++) {
            out.add(policy(p));
        }
        return out;
    }

    /** Endpoint {@code i} (0 .. LOCAL-1 are this node's) with its labels as {@link #labels(int, int)} gives them. */
    static ResourceChange endpoint(int i, int variant) {
        return change(Kind.WORKLOAD_ENDPOINT, namespace(namespaceOf(i)), workload(i, variant));
    }

    static List<ResourceChange> endpoints() {
        List<ResourceChange> out = new ArrayList<>(LOCAL + REMOTE);
        for (int i = 0; i < LOCAL + REMOTE; i++) {
            out.add(endpoint(i, 0));
        }
        return out;
    }

    /**
     * The five labels of endpoint {@code i}. {@code variant} shifts the tier (which moves the endpoint between
     * rule-selector sets) and the app (which changes which policies select it); 0 is the initial labelling.
     */
    static Map<String, String> labels(int i, int variant) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("app", "app-" + ((i + variant) % 20));
        l.put("tier", TIERS[((i / 20) + variant) % TIERS.length]);
        l.put("env", ENVS[(i / 100) % ENVS.length]);
        l.put("team", "team-" + (i % 7));
        l.put("zone", "zone-" + ((i / 7) % 4));
        return l;
    }

    static int namespaceOf(int i) {
        return (i / 3) % NAMESPACES;
    }

    static String namespace(int n) {
        return "ns-" + n;
    }

    static String remoteNode(int n) {
        return String.format(Locale.ROOT, "bench-remote-%03d", n);
    }

    /** 10.64.0.0/16 from .0.1 up: distinct for every endpoint index. */
    static String address(int i) {
        int v = i + 1;
        return "10.64." + (v >> 8) + "." + (v & 0xff);
    }

    /** {@code cali} and 11 hex digits, as Calico's names; multiplying by an odd constant keeps them distinct. */
    static String interfaceName(int i) {
        return String.format(Locale.ROOT, "cali%011x", (i * 0x9E3779B1L) & 0xFFFFFFFFFFFL);
    }

    private static WorkloadEndpoint workload(int i, int variant) {
        String ns = namespace(namespaceOf(i));
        String node = i < LOCAL ? NODE : remoteNode(i % REMOTE_NODES);
        String pod = String.format(Locale.ROOT, "pod-%05d", i);
        Map<String, String> labels = labels(i, variant);
        // What Calico's CNI plugin and Kubernetes conversion write besides the pod's own labels.
        labels.put("projectcalico.org/namespace", ns);
        labels.put("projectcalico.org/orchestrator", "k8s");
        labels.put("projectcalico.org/serviceaccount", "default");
        // Calico's name: <node>-<orchestrator>-<pod>-<endpoint>, a dash inside a part doubled (libcalico-go names).
        String name = node.replace("-", "--") + "-k8s-" + pod.replace("-", "--") + "-eth0";
        ObjectMeta meta = new ObjectMeta(name, ns, null, null, null, labels, null);
        return new WorkloadEndpoint(meta, new WorkloadEndpoint.Spec("k8s", pod, node, null, pod, "eth0",
                List.of(address(i) + "/32"), null, null, null, List.of("kns." + ns, "ksa." + ns + ".default"),
                interfaceName(i), null, null));
    }

    private static Node node(String name, String address) {
        return new Node(ObjectMeta.named(name), new Node.Spec(new Node.BGP(null, address, null, null, null), null, null,
                null, null, null), null);
    }

    /** Calico's kns.<ns> profile: allow both ways, namespace labels applied to its endpoints. */
    private static Profile namespaceProfile(String ns) {
        Rule allow = new Rule("Allow", null, null, null, null, null, null, null, null, null);
        return new Profile(ObjectMeta.named("kns." + ns), new Profile.Spec(List.of(allow), List.of(allow),
                Map.of("pcns.projectcalico.org/name", ns)));
    }

    /** Policy {@code p}: even ones global, odd ones in namespace ns-(p/2 mod 4). */
    private static ResourceChange policy(int p) {
        String selector = switch (p % 3) {
            case 0 -> "app == 'app-" + (p % 20) + "'";
            case 1 -> "tier == '" + TIERS[p % 5] + "' && zone == 'zone-" + (p % 4) + "'";
            default -> "team == 'team-" + (p % 7) + "' && env != 'dev'";
        };
        Double order = p % 7 == 0 ? null : (double) (p % 10) * 10;
        List<Rule> ingress = new ArrayList<>();
        ingress.add(rule("Allow", Protocol.TCP, from("app == 'app-" + ((p * 7) % 20) + "' && tier == '"
                + TIERS[(p / 20) % 5] + "'"), to(null, 8000 + p % 50)));
        ingress.add(rule("Allow", Protocol.UDP, from("zone == 'zone-" + (p % 4) + "' && team == 'team-"
                + ((p + 2) % 7) + "'"), to(null, 53)));
        if (p % 5 == 0) {
            ingress.add(rule("Deny", null, from("env == 'dev'"), null));
        }
        List<Rule> egress = new ArrayList<>();
        egress.add(rule("Allow", Protocol.TCP, null, to("tier == 'db' && env == '" + ENVS[p % 3] + "'", 5432)));
        egress.add(rule("Allow", null, null, to("app == 'app-" + ((p + 5) % 20) + "'", null)));
        List<String> types = List.of("Ingress", "Egress");
        if (p % 2 == 0) {
            String name = String.format(Locale.ROOT, "bench-gnp-%03d", p);
            return change(Kind.GLOBAL_NETWORK_POLICY, null, new GlobalNetworkPolicy(ObjectMeta.named(name),
                    new GlobalNetworkPolicy.Spec(order, selector, types, ingress, egress, null, null, null, null, null)));
        }
        String ns = namespace((p / 2) % NAMESPACES);
        String name = String.format(Locale.ROOT, "bench-np-%03d", p);
        return change(Kind.NETWORK_POLICY, ns, new NetworkPolicy(ObjectMeta.named(ns, name),
                new NetworkPolicy.Spec(order, selector, types, ingress, egress, null)));
    }

    private static Rule.EntityRule from(String selector) {
        return new Rule.EntityRule(null, null, selector, null, null, null, null, null);
    }

    private static Rule.EntityRule to(String selector, Integer port) {
        return new Rule.EntityRule(null, null, selector, null, null,
                port == null ? null : List.of(Port.number(port)), null, null);
    }

    private static Rule rule(String action, Protocol protocol, Rule.EntityRule src, Rule.EntityRule dst) {
        return new Rule(action, null, protocol, null, null, null, src, dst, null, null);
    }

    /** Through the datastore's value format and back, as the syncer hands resources over. */
    private static ResourceChange change(Kind kind, String namespace, Resource r) {
        Resource decoded = ResourceCodec.fromStoredValue(kind, ResourceCodec.toStoredValue(r), 1, "bench");
        String id = namespace == null ? r.metadata().name() : namespace + "/" + r.metadata().name();
        return new ResourceChange(kind, id, decoded);
    }
}
