package dev.tabby.policy.explain;

import static dev.tabby.policy.explain.ExplainFixtures.HEADER;
import static dev.tabby.policy.explain.ExplainFixtures.cluster;
import static dev.tabby.policy.explain.ExplainFixtures.namespace;
import static dev.tabby.policy.explain.ExplainFixtures.pod;
import static dev.tabby.policy.explain.ExplainFixtures.serviceAccount;
import static dev.tabby.policy.explain.ExplainFixtures.workload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.policy.explain.Explanation.PolicyTrace;
import dev.tabby.policy.explain.Flow.Direction;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The explainer on the policy examples of Calico's documentation (v3.18 reference pages for NetworkPolicy,
 * GlobalNetworkPolicy, Profile, GlobalNetworkSet, and the "named ports", "namespaces", "service accounts" how-tos),
 * each checked against what Felix's chains for them do.
 */
class FlowExplainerTest {

    // The NetworkPolicy reference page's example (docs reference/resources/networkpolicy.md).
    static final String ALLOW_TCP_6379 = HEADER + """
            kind: NetworkPolicy
            metadata:
              name: allow-tcp-6379
              namespace: production
            spec:
              selector: role == 'database'
              types:
              - Ingress
              - Egress
              ingress:
              - action: Allow
                metadata:
                  annotations:
                    from: frontend
                    to: database
                protocol: TCP
                source:
                  selector: role == 'frontend'
                destination:
                  ports:
                  - 6379
              egress:
              - action: Allow
            """;

    static final String DB = pod("production", "db", "10.65.0.10", "role: database", "default",
            "  - name: redis\n    protocol: TCP\n    port: 6379\n");
    static final String FRONTEND = pod("production", "fe", "10.65.0.20", "role: frontend", "default", null);
    static final String BACKEND = pod("production", "be", "10.65.0.30", "role: backend", "default", null);
    static final String PRODUCTION = namespace("production", "env: prod");

    private static Explanation explain(Cluster c, String ns, String pod, Direction d, String peer) {
        return FlowExplainer.explain(c, workload(c, ns, pod), Flow.parse(d, peer, null, null, null));
    }

    private static List<String> results(PolicyTrace p) {
        return p.rules().stream().map(r -> r.rule() + " " + r.result().text()).toList();
    }

    @Test
    void allowFromFrontendToRedisPortAsTheReferencePageSays() {
        Cluster c = cluster(ALLOW_TCP_6379, DB, FRONTEND, BACKEND, PRODUCTION);
        Explanation ok = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:6379/TCP");
        assertEquals("""
                Ingress to WorkloadEndpoint production/node1-k8s-db-eth0 (10.65.0.10) from 10.65.0.20:6379/TCP
                Peer 10.65.0.20: WorkloadEndpoint production/node1-k8s-fe-eth0 {pcns.env=prod, pcns.projectcalico.org/name=production, projectcalico.org/namespace=production, projectcalico.org/orchestrator=k8s, projectcalico.org/serviceaccount=default, role=frontend}
                Policies (ingress), in evaluation order:
                  1. NetworkPolicy production/allow-tcp-6379 (no order)
                       ingress[0]  Allow  matched: allowed
                       -> Allow
                Profiles: not reached
                Verdict: Allow by rule ingress[0] of NetworkPolicy production/allow-tcp-6379
                """, ExplanationText.of(ok));

        Explanation backend = explain(c, "production", "db", Direction.INGRESS, "10.65.0.30:6379/TCP");
        assertEquals("source.selector: WorkloadEndpoint production/node1-k8s-be-eth0 does not match role == 'frontend'",
                backend.policies().get(0).rules().get(0).reason());
        assertEquals("Deny", backend.verdict().action());
        assertEquals("no policy allowed it: default deny", backend.verdict().reason());
        assertNull(backend.profilesReached(), "once a policy selects the endpoint, profiles are not reached");

        Explanation wrongPort = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:80/TCP");
        assertEquals("destination.ports: 80/TCP is none of [6379]", wrongPort.policies().get(0).rules().get(0).reason());
        Explanation udp = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:6379/UDP");
        assertEquals("protocol: the flow is UDP, the rule wants TCP", udp.policies().get(0).rules().get(0).reason());

        Explanation out = explain(c, "production", "db", Direction.EGRESS, "192.0.2.1:443/TCP");
        assertEquals("Allow by rule egress[0] of NetworkPolicy production/allow-tcp-6379", out.verdict().reason());

        // The frontend has no policy: its namespace profile decides.
        Explanation fe = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.10:6379/TCP");
        assertEquals(List.of(), fe.policies());
        assertEquals("no policy selects this workload for egress", fe.profilesReached());
        assertEquals("Allow by rule egress[0] of Profile kns.production", fe.verdict().reason());
    }

    @Test
    void aFlowWithoutPortOrProtocolNamesTheRulesThatDependOnThem() {
        Cluster c = cluster(ALLOW_TCP_6379, DB, FRONTEND, PRODUCTION);
        Explanation e = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20");
        assertEquals(List.of("ingress[0] depends"), results(e.policies().get(0)));
        assertEquals(List.of("protocol", "destination port"), e.policies().get(0).rules().get(0).dependsOn());
        assertEquals("no policy allowed it: default deny", e.verdict().reason());
        assertEquals(List.of("ingress[0] of NetworkPolicy production/allow-tcp-6379 (Allow, depends on protocol, "
                + "destination port)"), e.verdict().assuming());
        assertTrue(ExplanationText.of(e).contains("""
                       ingress[0]  Allow  depends: matches or not by the protocol and destination port, which the flow does not give
                """), ExplanationText.of(e));

        // With the protocol but no port, only the port is open.
        Explanation tcp = FlowExplainer.explain(c, workload(c, "production", "db"),
                Flow.parse(Direction.INGRESS, "10.65.0.20", "TCP", null, null));
        assertEquals(List.of("destination port"), tcp.policies().get(0).rules().get(0).dependsOn());
        // A selector that fails is decisive whatever the port.
        Explanation other = FlowExplainer.explain(c, workload(c, "production", "db"),
                Flow.parse(Direction.INGRESS, "10.65.0.99", null, null, null));
        assertEquals(List.of("ingress[0] no match"), results(other.policies().get(0)));
        assertTrue(other.verdict().assuming().isEmpty());
    }

    @Test
    void aLowerOrderDenyComesFirstAndLaterPoliciesAreNotReached() {
        // GlobalNetworkPolicy reference: order decides; a policy without order comes last.
        String denyFrontend = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: deny-frontend
                spec:
                  order: 10
                  selector: role == 'database'
                  ingress:
                  - action: Deny
                    source:
                      selector: role == 'frontend'
                """;
        Cluster c = cluster(ALLOW_TCP_6379, denyFrontend, DB, FRONTEND, BACKEND, PRODUCTION);
        Explanation e = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:6379/TCP");
        assertEquals("Deny by rule ingress[0] of GlobalNetworkPolicy deny-frontend", e.verdict().reason());
        assertEquals(List.of("deny-frontend", "production/allow-tcp-6379"),
                e.policies().stream().map(PolicyTrace::name).toList());
        assertEquals("not reached", e.policies().get(1).outcome());

        // Another peer falls through the Deny policy to the allow policy, which does not match it either.
        Explanation be = explain(c, "production", "db", Direction.INGRESS, "10.65.0.30:6379/TCP");
        assertEquals("no rule matched", be.policies().get(0).outcome());
        assertEquals("no rule matched", be.policies().get(1).outcome());
        assertEquals("no policy allowed it: default deny", be.verdict().reason());

        // Equal orders: by name ("a-allow" before "deny-frontend").
        String allowFirst = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: a-allow
                spec:
                  order: 10
                  selector: role == 'database'
                  ingress:
                  - action: Allow
                """;
        Cluster tie = cluster(allowFirst, denyFrontend, DB, FRONTEND, PRODUCTION);
        assertEquals("Allow by rule ingress[0] of GlobalNetworkPolicy a-allow",
                explain(tie, "production", "db", Direction.INGRESS, "10.65.0.20:6379/TCP").verdict().reason());
    }

    // The Profile reference page's example (docs reference/resources/profile.md).
    static final String DEV_APPS = HEADER + """
            kind: Profile
            metadata:
              name: dev-apps
            spec:
              ingress:
              - action: Deny
                source:
                  nets:
                  - 10.0.20.0/24
              - action: Allow
                source:
                  selector: stage == 'development'
              egress:
              - action: Allow
              labelsToApply:
                stage: development
            """;

    private static String cniWorkload(String name, String ip, String profile) {
        return HEADER + "kind: WorkloadEndpoint\nmetadata:\n  name: node1-cni-" + name + "-eth0\n  namespace: default\n"
                + "spec:\n  orchestrator: cni\n  node: node1\n  pod: " + name + "\n  endpoint: eth0\n"
                + "  interfaceName: cali" + name + "\n  ipNetworks: [" + ip + "]\n"
                + (profile == null ? "" : "  profiles: [" + profile + "]\n");
    }

    @Test
    void passSkipsTheRemainingPoliciesToTheProfiles() {
        String pass = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: pass-cluster
                spec:
                  order: 1
                  selector: all()
                  ingress:
                  - action: Pass
                    source:
                      nets: [10.65.0.0/16]
                """;
        String deny = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: default-deny
                spec:
                  order: 1000
                  selector: all()
                  types: [Ingress]
                """;
        Cluster c = cluster(pass, deny, DEV_APPS, cniWorkload("a", "10.65.0.1", "dev-apps"),
                cniWorkload("b", "10.65.0.2", "dev-apps"), cniWorkload("c", "10.65.0.3", null));
        Explanation e = explain(c, "default", "a", Direction.INGRESS, "10.65.0.2:80/TCP");
        assertEquals("Pass", e.policies().get(0).outcome());
        assertEquals("not reached", e.policies().get(1).outcome());
        assertEquals("Pass by rule ingress[0] of GlobalNetworkPolicy pass-cluster", e.profilesReached());
        assertEquals(List.of("ingress[0] no match", "ingress[1] matched"), results(e.profiles().get(0)));
        assertEquals("source.nets: 10.65.0.2 is in none of [10.0.20.0/24]", e.profiles().get(0).rules().get(0).reason());
        assertEquals("Allow by rule ingress[1] of Profile dev-apps", e.verdict().reason());

        // The peer without the profile lacks its labelsToApply.
        Explanation fromC = explain(c, "default", "a", Direction.INGRESS, "10.65.0.3:80/TCP");
        assertEquals("source.selector: WorkloadEndpoint default/node1-cni-c-eth0 does not match stage == 'development'",
                fromC.profiles().get(0).rules().get(1).reason());
        assertEquals("no profile allowed it", fromC.verdict().reason());

        // Outside the Pass rule's nets: the deny-all policy (no rules) decides.
        Explanation outside = explain(c, "default", "a", Direction.INGRESS, "10.0.20.5:80/TCP");
        assertEquals("no policy allowed it: default deny", outside.verdict().reason());
        assertEquals("no rules for this direction", ExplanationText.of(outside).lines()
                .filter(l -> l.contains("no rules")).findFirst().orElseThrow().trim());
    }

    @Test
    void namedPortsResolveOnTheEndpointHoldingTheAddress() {
        // docs "Use named ports": the rule names the port, the endpoint says which number it is.
        String toRedis = HEADER + """
                kind: NetworkPolicy
                metadata:
                  name: frontend-to-redis
                  namespace: production
                spec:
                  selector: role == 'frontend'
                  types: [Egress]
                  egress:
                  - action: Allow
                    protocol: TCP
                    destination:
                      selector: role == 'database'
                      ports: [redis]
                """;
        String redisIn = HEADER + """
                kind: NetworkPolicy
                metadata:
                  name: redis-in
                  namespace: production
                spec:
                  selector: role == 'database'
                  ingress:
                  - action: Allow
                    protocol: TCP
                    destination:
                      ports: [redis]
                """;
        Cluster c = cluster(toRedis, redisIn, DB, FRONTEND, BACKEND, PRODUCTION);
        assertEquals("Allow by rule egress[0] of NetworkPolicy production/frontend-to-redis",
                explain(c, "production", "fe", Direction.EGRESS, "10.65.0.10:6379/TCP").verdict().reason());
        Explanation wrongPort = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.10:6380/TCP");
        assertEquals("destination.ports: 6380/TCP is none of [redis]; redis is 6379/TCP on WorkloadEndpoint "
                + "production/node1-k8s-db-eth0", wrongPort.policies().get(0).rules().get(0).reason());
        Explanation backend = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.30:6379/TCP");
        assertEquals("destination.selector: WorkloadEndpoint production/node1-k8s-be-eth0 does not match "
                + "role == 'database'", backend.policies().get(0).rules().get(0).reason());

        // Ingress: the destination is the workload itself, so its own named port counts.
        assertEquals("Allow by rule ingress[0] of NetworkPolicy production/redis-in",
                explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:6379/TCP").verdict().reason());
        Explanation udp = explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:6379/UDP");
        assertEquals("protocol: the flow is UDP, the rule wants TCP", udp.policies().get(0).rules().get(0).reason());
    }

    // The namespaceSelector example of the NetworkPolicy reference page.
    @Test
    void namespaceSelectorMatchesTheNamespaceProfileLabels() {
        String policy = HEADER + """
                kind: NetworkPolicy
                metadata:
                  name: allow-tcp-6379
                  namespace: production
                spec:
                  selector: color == 'red'
                  ingress:
                  - action: Allow
                    protocol: TCP
                    source:
                      selector: color == 'blue'
                      namespaceSelector: shape == 'circle'
                    destination:
                      ports:
                      - 6379
                """;
        Cluster c = cluster(policy, PRODUCTION, namespace("circles", "shape: circle"),
                namespace("squares", "shape: square"),
                pod("production", "red", "10.65.1.1", "color: red", "default", null),
                pod("circles", "blue", "10.65.1.2", "color: blue", "default", null),
                pod("circles", "green", "10.65.1.3", "color: green", "default", null),
                pod("squares", "blue", "10.65.1.4", "color: blue", "default", null));
        assertEquals("Allow", explain(c, "production", "red", Direction.INGRESS, "10.65.1.2:6379/TCP").verdict().action());
        assertEquals("source.namespaceSelector: WorkloadEndpoint squares/node1-k8s-blue-eth0 does not match "
                        + "shape == 'circle' (against the namespace labels its profile kns.<ns> applies)",
                explain(c, "production", "red", Direction.INGRESS, "10.65.1.4:6379/TCP").policies().get(0).rules()
                        .get(0).reason());
        assertEquals("source.selector: WorkloadEndpoint circles/node1-k8s-green-eth0 does not match color == 'blue'",
                explain(c, "production", "red", Direction.INGRESS, "10.65.1.3:6379/TCP").policies().get(0).rules()
                        .get(0).reason());
    }

    @Test
    void aNetworkPolicySelectsPeersInItsOwnNamespaceOnly() {
        Cluster c = cluster(ALLOW_TCP_6379, DB, PRODUCTION, namespace("staging", ""),
                pod("staging", "fe", "10.65.2.1", "role: frontend", "default", null));
        assertEquals("source.selector: WorkloadEndpoint staging/node1-k8s-fe-eth0 does not match namespace production "
                        + "(a NetworkPolicy's rules select in its own namespace)",
                explain(c, "production", "db", Direction.INGRESS, "10.65.2.1:6379/TCP").policies().get(0).rules()
                        .get(0).reason());
    }

    // docs "Use service accounts" (security/service-accounts.md).
    @Test
    void serviceAccountsByNameAndBySelector() {
        String byName = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: demo-calico
                spec:
                  selector: app == 'db'
                  ingress:
                  - action: Allow
                    source:
                      serviceAccounts:
                        names:
                        - api-service
                        - user-auth-service
                """;
        String bySelector = HEADER + """
                kind: NetworkPolicy
                metadata:
                  name: allow-web
                  namespace: prod-engineering
                spec:
                  selector: app == 'web'
                  ingress:
                  - action: Allow
                    source:
                      serviceAccounts:
                        selector: app == 'web-frontend'
                """;
        Cluster c = cluster(byName, bySelector, namespace("prod-engineering", ""),
                serviceAccount("prod-engineering", "api-service", ""),
                serviceAccount("prod-engineering", "frontend-sa", "app: web-frontend"),
                serviceAccount("prod-engineering", "default", ""),
                pod("prod-engineering", "db", "10.65.3.1", "app: db", "default", null),
                pod("prod-engineering", "web", "10.65.3.2", "app: web", "default", null),
                pod("prod-engineering", "api", "10.65.3.3", "app: api", "api-service", null),
                pod("prod-engineering", "fe", "10.65.3.4", "app: fe", "frontend-sa", null));
        assertEquals("Allow by rule ingress[0] of GlobalNetworkPolicy demo-calico",
                explain(c, "prod-engineering", "db", Direction.INGRESS, "10.65.3.3:5432/TCP").verdict().reason());
        assertEquals("source.serviceAccounts: WorkloadEndpoint prod-engineering/node1-k8s-fe-eth0 does not match "
                        + "names [api-service, user-auth-service]",
                explain(c, "prod-engineering", "db", Direction.INGRESS, "10.65.3.4:5432/TCP").policies().get(0)
                        .rules().get(0).reason());
        assertEquals("Allow by rule ingress[0] of NetworkPolicy prod-engineering/allow-web",
                explain(c, "prod-engineering", "web", Direction.INGRESS, "10.65.3.4:80/TCP").verdict().reason());
        assertEquals("source.serviceAccounts: WorkloadEndpoint prod-engineering/node1-k8s-api-eth0 does not match "
                        + "selector app == 'web-frontend'",
                explain(c, "prod-engineering", "web", Direction.INGRESS, "10.65.3.3:80/TCP").policies().get(0)
                        .rules().get(0).reason());
    }

    @Test
    void notNetsAndAGlobalNetworkSetAsPeer() {
        // Egress to the internet only (notNets of the private ranges), and the GlobalNetworkSet reference page's
        // deny list.
        String internetOnly = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: internet-only
                spec:
                  order: 200
                  selector: role == 'frontend'
                  types: [Egress]
                  egress:
                  - action: Allow
                    destination:
                      notNets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
                """;
        String denyList = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: deny-ip-protect
                spec:
                  order: 100
                  selector: all()
                  types: [Egress]
                  egress:
                  - action: Deny
                    destination:
                      selector: ip-deny-list == 'true'
                """;
        String ipProtect = HEADER + """
                kind: GlobalNetworkSet
                metadata:
                  name: ip-protect
                  labels:
                    ip-deny-list: 'true'
                spec:
                  nets:
                  - 192.0.2.55/32
                  - 203.0.113.0/24
                """;
        Cluster c = cluster(internetOnly, denyList, ipProtect, FRONTEND, PRODUCTION);
        assertEquals("Allow by rule egress[0] of GlobalNetworkPolicy internet-only",
                explain(c, "production", "fe", Direction.EGRESS, "198.51.100.7:443/TCP").verdict().reason());
        Explanation priv = explain(c, "production", "fe", Direction.EGRESS, "10.1.2.3:443/TCP");
        assertEquals("destination.notNets: 10.1.2.3 is in 10.0.0.0/8", priv.policies().get(1).rules().get(0).reason());
        assertEquals("no policy allowed it: default deny", priv.verdict().reason());
        Explanation listed = explain(c, "production", "fe", Direction.EGRESS, "203.0.113.9:443/TCP");
        assertEquals("GlobalNetworkSet ip-protect", listed.peerHolders().get(0).kind() + " "
                + listed.peerHolders().get(0).name());
        assertEquals("Deny by rule egress[0] of GlobalNetworkPolicy deny-ip-protect", listed.verdict().reason());
        // An address nobody holds matches no selector.
        assertEquals("destination.selector: no endpoint or network set holds 198.51.100.7, so no selector matches it",
                explain(c, "production", "fe", Direction.EGRESS, "198.51.100.7:443/TCP").policies().get(0).rules()
                        .get(0).reason());
    }

    @Test
    void logGoesOnAndIcmpTypeAndCodeAndProtocolNumbers() {
        String policy = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: ping-and-gre
                spec:
                  selector: role == 'database'
                  ingress:
                  - action: Log
                  - action: Allow
                    protocol: ICMP
                    icmp:
                      type: 8
                      code: 0
                  - action: Allow
                    protocol: 47
                  - action: Allow
                    protocol: ICMP
                    notICMP:
                      type: 5
                """;
        Cluster c = cluster(policy, DB, FRONTEND, PRODUCTION);
        var db = workload(c, "production", "db");
        Explanation ping = FlowExplainer.explain(c, db, Flow.parse(Direction.INGRESS, "10.65.0.20", "ICMP", 8, 0));
        assertEquals(List.of("ingress[0] matched", "ingress[1] matched"), results(ping.policies().get(0)));
        assertEquals("matched: logged, evaluation goes on", ping.policies().get(0).rules().get(0).reason());
        assertEquals("Allow by rule ingress[1] of GlobalNetworkPolicy ping-and-gre", ping.verdict().reason());

        Explanation code1 = FlowExplainer.explain(c, db, Flow.parse(Direction.INGRESS, "10.65.0.20", "ICMP", 8, 1));
        assertEquals("icmp.code: the flow's code 1 is not 0", code1.policies().get(0).rules().get(1).reason());
        assertEquals("protocol: the flow is ICMP, the rule wants 47", code1.policies().get(0).rules().get(2).reason());
        assertEquals("Allow by rule ingress[3] of GlobalNetworkPolicy ping-and-gre", code1.verdict().reason());

        Explanation redirect = FlowExplainer.explain(c, db, Flow.parse(Direction.INGRESS, "10.65.0.20", "ICMP", 5, null));
        assertEquals("notICMP.type: the flow's type 5 is excluded", redirect.policies().get(0).rules().get(3).reason());
        assertEquals("no policy allowed it: default deny", redirect.verdict().reason());

        Explanation noType = FlowExplainer.explain(c, db, Flow.parse(Direction.INGRESS, "10.65.0.20", "ICMP", null, null));
        assertEquals(List.of("ingress[0] matched", "ingress[1] depends", "ingress[2] no match", "ingress[3] depends"),
                results(noType.policies().get(0)));

        Explanation gre = FlowExplainer.explain(c, db, Flow.parse(Direction.INGRESS, "10.65.0.20", "47", null, null));
        assertEquals("Allow by rule ingress[2] of GlobalNetworkPolicy ping-and-gre", gre.verdict().reason());
        assertEquals("protocol: the flow is 47, the rule wants ICMP", gre.policies().get(0).rules().get(1).reason());
    }

    @Test
    void notSelectorIpVersionAndTheWorkloadChainBeforePolicy() {
        String policy = HEADER + """
                kind: GlobalNetworkPolicy
                metadata:
                  name: mixed
                spec:
                  selector: role == 'frontend'
                  types: [Egress]
                  egress:
                  - action: Allow
                    ipVersion: 6
                  - action: Allow
                    destination:
                      notNets: [fd00::/8]
                  - action: Deny
                    destination:
                      selector: has(role)
                      notSelector: role == 'database'
                  - action: Allow
                    destination:
                      notSelector: role == 'backend'
                """;
        Cluster c = cluster(policy, DB, FRONTEND, BACKEND, PRODUCTION);
        Explanation toDb = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.10:6379/TCP");
        assertEquals("ipVersion: the rule is for IPv6 only", toDb.policies().get(0).rules().get(0).reason());
        assertEquals("destination.notNets lists no IPv4 network, so Felix leaves the rule out of the IPv4 chains",
                toDb.policies().get(0).rules().get(1).reason());
        assertEquals("destination.notSelector: WorkloadEndpoint production/node1-k8s-db-eth0 matches role == 'database'",
                toDb.policies().get(0).rules().get(2).reason());
        assertEquals("Allow by rule egress[3] of GlobalNetworkPolicy mixed", toDb.verdict().reason());
        assertEquals("Deny by rule egress[2] of GlobalNetworkPolicy mixed",
                explain(c, "production", "fe", Direction.EGRESS, "10.65.0.30:80/TCP").verdict().reason());

        Explanation vxlan = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.10:4789/UDP");
        assertTrue(vxlan.verdict().reason().startsWith("Deny by the workload's own chain, before any policy: Felix drops VXLAN"),
                vxlan.verdict().reason());
        Cluster allowed = cluster(new WorkloadChainSettings(4789, true, false), policy, DB, FRONTEND, BACKEND, PRODUCTION);
        assertNull(explain(allowed, "production", "fe", Direction.EGRESS, "10.65.0.10:4789/UDP").preamble());
        // Ingress has no such drop.
        assertNull(explain(c, "production", "db", Direction.INGRESS, "10.65.0.20:4789/UDP").preamble());
    }

    @Test
    void missingProfileDeniesAndNoProfileAtAllDenies() {
        Cluster c = cluster(cniWorkload("a", "10.65.0.1", "gone"), cniWorkload("b", "10.65.0.2", null));
        Explanation missing = explain(c, "default", "a", Direction.INGRESS, "10.65.0.2:80/TCP");
        assertEquals("Deny by Profile gone, which does not exist (Felix renders a deny-all profile in its place)",
                missing.verdict().reason());
        Explanation none = explain(c, "default", "b", Direction.EGRESS, "10.65.0.1:80/TCP");
        assertEquals("no profile allowed it (the workload has no profiles)", none.verdict().reason());
    }

    @Test
    void notesPoliciesOfTheOtherDirection() {
        Cluster c = cluster(ALLOW_TCP_6379.replace("  - Egress\n", "").replace("  egress:\n  - action: Allow\n", ""),
                DB, PRODUCTION);
        Explanation e = explain(c, "production", "db", Direction.EGRESS, "10.65.0.20:80/TCP");
        assertEquals(List.of("NetworkPolicy production/allow-tcp-6379 selects this workload for ingress only (types)"),
                e.notes());
        assertEquals("Allow by rule egress[0] of Profile kns.production", e.verdict().reason());
    }

    @Test
    void theWorkloadsOwnHostIsNotPolicedInboundAndMeetsDefaultEndpointToHostActionOutbound() {
        String node1 = HEADER + """
                kind: Node
                metadata:
                  name: node1
                spec:
                  bgp:
                    ipv4Address: 10.99.1.11/24
                  ipv4VXLANTunnelAddr: 10.65.0.1
                """;
        Cluster c = cluster(ALLOW_TCP_6379, DB, FRONTEND, PRODUCTION, node1);
        Explanation fromHost = explain(c, "production", "db", Direction.INGRESS, "10.99.1.11:6379/TCP");
        assertEquals("Allow", fromHost.verdict().action());
        assertTrue(fromHost.verdict().reason().startsWith("Allow: 10.99.1.11 is an address of node node1, the "
                + "workload's own host: Felix does not police"), fromHost.verdict().reason());
        assertEquals("not reached", fromHost.policies().get(0).outcome());

        // The profile allows it, then the default Drop of defaultEndpointToHostAction applies.
        Explanation toHost = explain(c, "production", "fe", Direction.EGRESS, "10.65.0.1:53/UDP");
        assertEquals("Deny", toHost.verdict().action());
        assertEquals("Allow by rule egress[0] of Profile kns.production, then dropped to node node1, the workload's "
                + "own host (FelixConfiguration defaultEndpointToHostAction Drop, the default)", toHost.verdict().reason());
        Cluster accept = cluster(new WorkloadChainSettings(4789, false, false, "Accept"), ALLOW_TCP_6379, DB, FRONTEND,
                PRODUCTION, node1);
        assertEquals("Allow", explain(accept, "production", "fe", Direction.EGRESS, "10.65.0.1:53/UDP").verdict().action());
        // Another node's address is an ordinary peer.
        assertEquals("Allow by rule egress[0] of Profile kns.production",
                explain(c, "production", "fe", Direction.EGRESS, "10.99.1.12:53/UDP").verdict().reason());
    }
}
