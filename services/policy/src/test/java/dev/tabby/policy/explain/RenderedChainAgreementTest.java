package dev.tabby.policy.explain;

import static dev.tabby.policy.explain.ExplainFixtures.cluster;
import static dev.tabby.policy.explain.ExplainFixtures.namespace;
import static dev.tabby.policy.explain.ExplainFixtures.pod;
import static dev.tabby.policy.explain.ExplainFixtures.serviceAccount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.NetworkPolicy;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.Rule.EntityRule;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.IpSetIndex;
import dev.tabby.policy.calc.IpSetItem;
import dev.tabby.policy.calc.IpSetSpec;
import dev.tabby.policy.calc.PolicyProgram;
import dev.tabby.policy.explain.ChainInterpreter.Outcome;
import dev.tabby.policy.explain.Flow.Direction;
import dev.tabby.policy.calc.EndpointLabels;
import dev.tabby.policy.calc.PolicyResolver;
import dev.tabby.policy.render.Chain;
import dev.tabby.policy.render.ChainNames;
import dev.tabby.policy.render.EndpointChains;
import dev.tabby.policy.render.IptRule;
import dev.tabby.policy.render.Marks;
import dev.tabby.policy.render.RuleRenderer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The explainer against the chains the renderer writes: random valid policies over a small cluster, random fully
 * given flows; each policy rendered with {@link PolicyProgram} and {@link RuleRenderer} and run by a test-only
 * iptables reading ({@link ChainInterpreter}); the policy's outcome (Allow, Deny, Pass, no match) must be the one
 * the explainer reports. This is what "explain and the dataplane never disagree" means for the policy chains.
 */
class RenderedChainAgreementTest {
    private static final Marks MARKS = Marks.fromMask(Marks.DEFAULT_MASK);
    private static final RuleRenderer RENDERER = new RuleRenderer(MARKS, RuleRenderer.DEFAULT_LOG_PREFIX);

    private static final List<String> BASE = List.of(
            namespace("production", "env: prod"), namespace("staging", "env: test"),
            serviceAccount("production", "api", "tier: back"), serviceAccount("production", "default", ""),
            serviceAccount("staging", "default", ""),
            pod("production", "db", "10.65.0.10", "role: database", "default",
                    "  - name: redis\n    protocol: TCP\n    port: 6379\n  - name: dns\n    protocol: UDP\n    port: 53\n"),
            pod("production", "fe", "10.65.0.20", "role: frontend", "api",
                    "  - name: http\n    protocol: TCP\n    port: 80\n"),
            pod("staging", "web", "10.65.1.5", "role: frontend", "default",
                    "  - name: http\n    protocol: TCP\n    port: 8080\n"),
            ExplainFixtures.HEADER + "kind: GlobalNetworkSet\nmetadata:\n  name: partners\n  labels:\n    role: partner\n"
                    + "spec:\n  nets: [192.0.2.0/24]\n",
            ExplainFixtures.HEADER + "kind: NetworkSet\nmetadata:\n  name: office\n  namespace: production\n"
                    + "  labels:\n    role: office\nspec:\n  nets: [198.51.100.0/24]\n");

    private static final List<String> PEERS = List.of("10.65.0.10", "10.65.0.20", "10.65.1.5", "192.0.2.7",
            "198.51.100.9", "203.0.113.1");
    private static final List<String> SELECTORS = List.of("role == 'database'", "role == 'frontend'", "has(role)",
            "role in {'partner', 'office'}", "all()", "!has(role)");
    private static final List<String> NETS = List.of("10.65.0.0/24", "10.65.0.10/32", "10.0.0.0/8", "192.0.2.0/24",
            "fd00::/8", "203.0.113.0/25");
    private static final List<Object> PORTS = List.of(80, 6379, "8000:8080", "redis", "http", "dns", 53);

    @Test
    void explainerAndRenderedChainsAgree() {
        Random rnd = new Random(20261204);
        int compared = 0;
        for (int i = 0; i < 400; i++) {
            Rule[] rules = new Rule[1 + rnd.nextInt(4)];
            for (int r = 0; r < rules.length; r++) {
                rules[r] = validRule(rnd);
            }
            boolean ingress = rnd.nextBoolean();
            boolean global = rnd.nextBoolean();
            String target = rnd.nextBoolean() ? "db" : "fe";
            Object policy = global
                    ? new GlobalNetworkPolicy(ObjectMeta.named("p"), new GlobalNetworkPolicy.Spec(null, "all()",
                    List.of(ingress ? "Ingress" : "Egress"), ingress ? List.of(rules) : null,
                    ingress ? null : List.of(rules), null, null, null, null, null))
                    : new NetworkPolicy(ObjectMeta.named("production", "p"), new NetworkPolicy.Spec(null, "all()",
                    List.of(ingress ? "Ingress" : "Egress"), ingress ? List.of(rules) : null,
                    ingress ? null : List.of(rules), null));
            Cluster base = cluster(BASE.toArray(String[]::new));
            Cluster c = new Cluster(base.workloadEndpoints(), base.hostEndpoints(), base.networkSets(),
                    base.globalNetworkSets(), global ? List.of() : List.of((NetworkPolicy) policy),
                    global ? List.of((GlobalNetworkPolicy) policy) : List.of(), base.profiles(), List.of(),
                    new WorkloadChainSettings(4789, true, true));
            CalicoPolicy cp = global ? CalicoPolicy.of((GlobalNetworkPolicy) policy) : CalicoPolicy.of((NetworkPolicy) policy);
            WorkloadEndpoint wep = ExplainFixtures.workload(c, "production", target);
            for (int f = 0; f < 8; f++) {
                Flow flow = randomFlow(rnd, ingress ? Direction.INGRESS : Direction.EGRESS);
                Explanation e = FlowExplainer.explain(c, wep, flow);
                String context = "policy " + policy + "\nflow " + flow + "\n" + ExplanationText.of(e);
                assertTrue(e.verdict().assuming().isEmpty(), context);
                Outcome kernel = runRendered(c, cp, ingress, wep, flow);
                assertEquals(kernel, fromExplanation(e), context);
                compared++;
            }
        }
        assertEquals(3200, compared);
    }

    @Test
    void explainerAndRenderedWorkloadChainsAgree() {
        Random rnd = new Random(4242);
        Cluster base = cluster(BASE.toArray(String[]::new));
        int compared = 0;
        for (int i = 0; i < 500; i++) {
            List<NetworkPolicy> nps = new ArrayList<>();
            List<GlobalNetworkPolicy> gnps = new ArrayList<>();
            int count = rnd.nextInt(4);
            for (int k = 0; k < count; k++) {
                String selector = List.of("all()", "role == 'database'", "role == 'frontend'", "has(role)").get(rnd.nextInt(4));
                Double order = List.of(10.0, 100.0, 100.0, 5.5).get(rnd.nextInt(4));
                order = rnd.nextInt(4) == 0 ? null : order;
                List<String> types = List.of(List.of("Ingress"), List.of("Egress"), List.of("Ingress", "Egress"))
                        .get(rnd.nextInt(3));
                List<Rule> in = rules(rnd, rnd.nextInt(4));
                List<Rule> out = rules(rnd, rnd.nextInt(4));
                if (rnd.nextBoolean()) {
                    gnps.add(new GlobalNetworkPolicy(ObjectMeta.named("g" + k), new GlobalNetworkPolicy.Spec(order,
                            selector, types, in, out, null, null, null, null, null)));
                } else {
                    nps.add(new NetworkPolicy(ObjectMeta.named(rnd.nextInt(4) == 0 ? "staging" : "production", "n" + k),
                            new NetworkPolicy.Spec(order, selector, types, in, out, null)));
                }
            }
            // The namespace profile with random rules, keeping the labels it applies.
            List<Profile> profiles = new ArrayList<>();
            for (Profile p : base.profiles()) {
                profiles.add(p.metadata().name().equals("kns.production")
                        ? new Profile(p.metadata(), new Profile.Spec(rules(rnd, rnd.nextInt(3)), rules(rnd, rnd.nextInt(3)),
                        p.spec().labelsToApply()))
                        : p);
            }
            Cluster c = new Cluster(base.workloadEndpoints(), base.hostEndpoints(), base.networkSets(),
                    base.globalNetworkSets(), nps, gnps, profiles, List.of(), WorkloadChainSettings.DEFAULTS);
            WorkloadEndpoint wep = ExplainFixtures.workload(c, "production", rnd.nextBoolean() ? "db" : "fe");
            for (int f = 0; f < 8; f++) {
                Direction d = rnd.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
                String peer = PEERS.get(rnd.nextInt(PEERS.size()));
                // Now and then what the workload chain drops before policy: VXLAN and IP-in-IP.
                Flow flow = switch (rnd.nextInt(12)) {
                    case 0 -> Flow.parse(d, peer + ":4789/UDP", null, null, null);
                    case 1 -> Flow.parse(d, peer, "4", null, null);
                    default -> randomFlow(rnd, d);
                };
                Explanation e = FlowExplainer.explain(c, wep, flow);
                String context = "policies " + nps + gnps + "\nprofiles " + profiles + "\nflow " + flow + "\n"
                        + ExplanationText.of(e);
                assertTrue(e.verdict().assuming().isEmpty(), context);
                Outcome kernel = runWorkloadChain(c, wep, flow);
                assertEquals(kernel, e.verdict().action().equals("Allow") ? Outcome.ALLOW : Outcome.DENY, context);
                compared++;
            }
        }
        assertEquals(4000, compared);
    }

    private static List<Rule> rules(Random rnd, int n) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(validRule(rnd));
        }
        return out;
    }

    private static Outcome runWorkloadChain(Cluster c, WorkloadEndpoint wep, Flow flow) {
        int v = flow.peer().version();
        Map<String, Profile> profiles = new HashMap<>();
        c.profiles().forEach(p -> profiles.put(p.metadata().name(), p));
        List<CalicoPolicy> policies = new ArrayList<>();
        c.networkPolicies().forEach(p -> policies.add(CalicoPolicy.of(p)));
        c.globalNetworkPolicies().forEach(p -> policies.add(CalicoPolicy.of(p)));
        PolicyResolver.Resolution r = PolicyResolver.resolve(EndpointLabels.of(wep, profiles), wep.spec().profiles(),
                policies);
        Map<String, List<IptRule>> chains = new HashMap<>();
        Map<String, IpSetSpec> specs = new HashMap<>();
        for (CalicoPolicy p : policies) {
            PolicyProgram program = PolicyProgram.of(p, RENDERER, v);
            program.chains().forEach(ch -> chains.put(ch.name(), ch.rules()));
            specs.putAll(program.ipSets());
        }
        for (String name : r.profiles()) {
            PolicyProgram program = PolicyProgram.of(profiles.get(name), RENDERER, v);
            program.chains().forEach(ch -> chains.put(ch.name(), ch.rules()));
            specs.putAll(program.ipSets());
        }
        List<Chain> endpoint = new EndpointChains(EndpointChains.Config.defaults(MARKS)).workload("calitest", true,
                r.ingress().stream().map(CalicoPolicy::name).toList(), r.egress().stream().map(CalicoPolicy::name).toList(),
                r.profiles());
        endpoint.forEach(ch -> chains.put(ch.name(), ch.rules()));
        boolean ingress = flow.direction() == Direction.INGRESS;
        return new ChainInterpreter(ipSets(c, specs, v), MARKS.accept(), MARKS.pass())
                .runEndpoint(chains, endpoint.get(ingress ? 0 : 1).name(), packet(wep, flow));
    }

    private static Map<String, Set<String>> ipSets(Cluster c, Map<String, IpSetSpec> specs, int v) {
        Map<String, Profile> profiles = new HashMap<>();
        c.profiles().forEach(p -> profiles.put(p.metadata().name(), p));
        IpSetIndex index = new IpSetIndex();
        c.workloadEndpoints().forEach(w -> index.putItem(IpSetItem.key(w), IpSetItem.of(w, profiles)));
        c.networkSets().forEach(n -> index.putItem(IpSetItem.key(n), IpSetItem.of(n, profiles)));
        c.globalNetworkSets().forEach(n -> index.putItem(IpSetItem.key(n), IpSetItem.of(n)));
        Map<String, Set<String>> sets = new HashMap<>();
        for (Map.Entry<String, IpSetSpec> s : specs.entrySet()) {
            index.addSet(s.getValue());
            sets.put(ChainNames.mainIpSet(v, s.getKey()), index.members(s.getKey()));
        }
        return sets;
    }

    private static ChainInterpreter.Pkt packet(WorkloadEndpoint wep, Flow flow) {
        IpAddress self = IpAddress.parse(wep.spec().ipNetworks().get(0).split("/")[0]);
        boolean ingress = flow.direction() == Direction.INGRESS;
        return new ChainInterpreter.Pkt(ingress ? flow.peer() : self, ingress ? self : flow.peer(),
                flow.protocol().number(), 40000, flow.port() == null ? 0 : flow.port(),
                flow.icmpType() == null ? -1 : flow.icmpType(), flow.icmpCode() == null ? -1 : flow.icmpCode());
    }

    private static Outcome fromExplanation(Explanation e) {
        return switch (e.policies().get(0).outcome()) {
            case "Allow" -> Outcome.ALLOW;
            case "Deny" -> Outcome.DENY;
            case "Pass" -> Outcome.PASS;
            default -> Outcome.NO_MATCH;
        };
    }

    private static Outcome runRendered(Cluster c, CalicoPolicy cp, boolean ingress, WorkloadEndpoint wep, Flow flow) {
        int v = flow.peer().version();
        PolicyProgram program = PolicyProgram.of(cp, RENDERER, v);
        return new ChainInterpreter(ipSets(c, program.ipSets(), v), MARKS.accept(), MARKS.pass())
                .run(program.chains().get(ingress ? 0 : 1).rules(), packet(wep, flow));
    }

    private static Flow randomFlow(Random rnd, Direction d) {
        String peer = PEERS.get(rnd.nextInt(PEERS.size()));
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> Flow.parse(d, peer + ":" + List.of(80, 6379, 8080, 8001, 53, 9999).get(rnd.nextInt(6)) + "/TCP",
                    null, null, null);
            case 2 -> Flow.parse(d, peer + ":" + List.of(53, 6379, 80).get(rnd.nextInt(3)) + "/UDP", null, null, null);
            case 3 -> Flow.parse(d, peer, "ICMP", List.of(8, 0, 5).get(rnd.nextInt(3)), rnd.nextInt(2));
            default -> Flow.parse(d, peer, "47", null, null);
        };
    }

    /** A random rule that Calico's validation accepts (checked), over fields the flows can decide. */
    private static Rule validRule(Random rnd) {
        for (;;) {
            Rule r = randomRule(rnd);
            Problems problems = new Problems();
            GlobalNetworkPolicy holder = new GlobalNetworkPolicy(ObjectMeta.named("check"),
                    new GlobalNetworkPolicy.Spec(null, null, null, List.of(r), null, null, null, null, null, null));
            GlobalNetworkPolicy valid = (GlobalNetworkPolicy) ResourceValidator.validate(holder, problems);
            if (!problems.hasErrors()) {
                return valid.spec().ingress().get(0);
            }
        }
    }

    private static Rule randomRule(Random rnd) {
        String action = List.of("Allow", "Deny", "Pass", "Log", "Allow", "Deny").get(rnd.nextInt(6));
        Protocol protocol = switch (rnd.nextInt(6)) {
            case 0, 1 -> Protocol.TCP;
            case 2 -> Protocol.UDP;
            case 3 -> Protocol.parse("ICMP");
            case 4 -> Protocol.parse("47");
            default -> null;
        };
        Protocol notProtocol = protocol == null && rnd.nextInt(4) == 0 ? Protocol.UDP : null;
        Rule.Icmp icmp = null;
        Rule.Icmp notIcmp = null;
        if (protocol != null && protocol.number() == 1) {
            if (rnd.nextBoolean()) {
                icmp = new Rule.Icmp(List.of(8, 0).get(rnd.nextInt(2)), rnd.nextBoolean() ? null : rnd.nextInt(2));
            } else if (rnd.nextBoolean()) {
                notIcmp = new Rule.Icmp(5, rnd.nextBoolean() ? null : 1);
            }
        }
        Integer ipVersion = rnd.nextInt(8) == 0 ? (rnd.nextBoolean() ? 4 : 6) : null;
        boolean ports = protocol != null && protocol.hasPorts();
        EntityRule src = entity(rnd, false);
        EntityRule dst = entity(rnd, ports);
        return new Rule(action, ipVersion, protocol, notProtocol, icmp, notIcmp, src, dst, null, null);
    }

    private static EntityRule entity(Random rnd, boolean ports) {
        if (rnd.nextInt(3) == 0) {
            return null;
        }
        Supplier<List<String>> nets = () -> rnd.nextInt(3) == 0
                ? List.of(NETS.get(rnd.nextInt(NETS.size())), NETS.get(rnd.nextInt(NETS.size()))).stream().distinct().toList()
                : null;
        List<String> n = rnd.nextInt(3) == 0 ? nets.get() : null;
        List<String> notN = rnd.nextInt(4) == 0 ? nets.get() : null;
        String selector = rnd.nextInt(2) == 0 ? SELECTORS.get(rnd.nextInt(SELECTORS.size())) : null;
        String notSelector = rnd.nextInt(5) == 0 ? SELECTORS.get(rnd.nextInt(SELECTORS.size())) : null;
        String nsSelector = rnd.nextInt(5) == 0 ? List.of("env == 'prod'", "all()", "env == 'test'").get(rnd.nextInt(3)) : null;
        Rule.ServiceAccounts sa = rnd.nextInt(6) == 0
                ? (rnd.nextBoolean() ? new Rule.ServiceAccounts(List.of("api"), null)
                : new Rule.ServiceAccounts(null, "tier == 'back'")) : null;
        List<Port> p = ports && rnd.nextInt(2) == 0 ? randomPorts(rnd) : null;
        List<Port> notP = ports && rnd.nextInt(4) == 0 ? randomPorts(rnd) : null;
        return new EntityRule(n, notN, selector, notSelector, nsSelector, p, notP, sa);
    }

    private static List<Port> randomPorts(Random rnd) {
        List<Port> out = new ArrayList<>();
        int count = 1 + rnd.nextInt(3);
        for (int i = 0; i < count; i++) {
            Object o = PORTS.get(rnd.nextInt(PORTS.size()));
            Port port = Port.from(o);
            if (!out.contains(port)) {
                out.add(port);
            }
        }
        return out;
    }
}
