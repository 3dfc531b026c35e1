package dev.tabby.renderer.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.ipset.IpSet;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Resource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The calculation's incremental contract: each change answers with only the chains and sets it affects. */
class PolicyStateTest {
    private static final TableKey FILTER4 = new TableKey(4, TableKey.FILTER);
    private final PolicyState state = new PolicyState("n1", new Layout(), true);

    private void apply(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            Kind kind = r.kind();
            String id = kind.namespaced() ? r.metadata().namespace() + "/" + r.metadata().name() : r.metadata().name();
            state.apply(new ResourceChange(kind, id, r));
        }
    }

    private static String wep(String node, String name, String ip, String labels, String profiles) {
        return """
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: %1$s-cni-%2$s-eth0
                  namespace: default
                  labels: {%4$s}
                spec:
                  node: %1$s
                  orchestrator: cni
                  workload: %2$s
                  endpoint: eth0
                  interfaceName: cali%2$s
                  ipNetworks: [%3$s/32]
                  profiles: [%5$s]
                """.formatted(node, name, ip, labels, profiles);
    }

    private static final String POLICY = """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: db-from-frontend}
            spec:
              selector: app == 'db'
              ingress:
              - action: Allow
                protocol: TCP
                source: {selector: role == 'frontend'}
                destination: {ports: [5432]}
            """;

    private static Set<String> members(DataplaneChanges c) {
        Set<String> out = new TreeSet<>();
        for (Map.Entry<String, IpSet> e : c.ipSets.entrySet()) {
            if (e.getKey().startsWith("cali40s:")) {
                out.addAll(e.getValue().members());
            }
        }
        return out;
    }

    private static Set<String> chainNames(DataplaneChanges c) {
        return new TreeSet<>(c.chains.getOrDefault(FILTER4, Map.of()).keySet());
    }

    @Test
    void firstFlushRendersTheLocalEndpointItsPolicyAndTheSetOfItsPeers() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply(wep("n2", "web1", "10.65.1.5", "role: frontend", ""));
        apply(POLICY);
        DataplaneChanges c = state.flush();
        Set<String> chains = chainNames(c);
        assertTrue(chains.containsAll(List.of("cali-tw-calidb1", "cali-fw-calidb1", "cali-pi-db-from-frontend",
                "cali-po-db-from-frontend", "cali-from-wl-dispatch", "cali-to-wl-dispatch")), chains.toString());
        assertFalse(chains.stream().anyMatch(n -> n.contains("web1")), "remote endpoints get no chains: " + chains);
        assertEquals(Set.of("10.65.1.5"), members(c));
        assertTrue(c.chains.get(FILTER4).get("cali-tw-calidb1").stream().anyMatch(r -> r.endsWith("--jump cali-pi-db-from-frontend")),
                c.chains.get(FILTER4).get("cali-tw-calidb1").toString());
        assertTrue(state.flush().isEmpty(), "nothing changed: nothing to write");
    }

    @Test
    void aRemoteLabelChangeTouchesOnlyTheSet() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply(wep("n2", "web1", "10.65.1.5", "role: frontend", ""));
        apply(POLICY);
        state.flush();
        apply(wep("n2", "web2", "10.65.1.6", "role: frontend", ""));
        DataplaneChanges c = state.flush();
        assertEquals(Set.of(), chainNames(c), "no chain changes");
        assertEquals(Set.of("10.65.1.5", "10.65.1.6"), members(c));
        apply(wep("n2", "web1", "10.65.1.5", "role: backend", ""));
        c = state.flush();
        assertEquals(Set.of(), chainNames(c));
        assertEquals(Set.of("10.65.1.6"), members(c));
    }

    @Test
    void aLocalLabelChangeRerendersOnlyThatEndpointAndUnusedPoliciesAndSetsGo() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply(wep("n1", "db2", "10.65.0.3", "app: db", ""));
        apply(wep("n2", "web1", "10.65.1.5", "role: frontend", ""));
        apply(POLICY);
        state.flush();
        apply(wep("n1", "db1", "10.65.0.2", "app: cache", ""));
        DataplaneChanges c = state.flush();
        // The policy only governs ingress: the egress chain renders the same and is not written again.
        assertEquals(Set.of("cali-tw-calidb1"), chainNames(c));
        assertFalse(c.chains.get(FILTER4).get("cali-tw-calidb1").stream().anyMatch(r -> r.contains("cali-pi-")));
        // The last user of the policy goes: its chains and its set are removed.
        apply(wep("n1", "db2", "10.65.0.3", "app: cache", ""));
        c = state.flush();
        assertTrue(c.removedChains.get(FILTER4).containsAll(List.of("cali-pi-db-from-frontend", "cali-po-db-from-frontend")),
                c.removedChains.toString());
        assertTrue(c.removedIpSets.stream().anyMatch(n -> n.startsWith("cali40s:")), c.removedIpSets.toString());
    }

    @Test
    void profileLabelsToApplyReachSelectorsAndMissingProfilesRenderEmpty() {
        apply(wep("n1", "db1", "10.65.0.2", "", "tenant-a"));
        apply(wep("n2", "web1", "10.65.1.5", "", "tenant-b"));
        apply(POLICY);
        DataplaneChanges c = state.flush();
        assertEquals(List.of("--jump DROP"), c.chains.get(FILTER4).get("cali-pri-tenant-a"),
                "a profile the datastore lacks denies (felix DummyDropRules), so later profiles are not reached");
        assertFalse(chainNames(c).contains("cali-pi-db-from-frontend"), "no endpoint has app=db yet");
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: tenant-a}
                spec: {labelsToApply: {app: db}}
                ---
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: tenant-b}
                spec: {labelsToApply: {role: frontend}}
                """);
        c = state.flush();
        assertTrue(chainNames(c).contains("cali-pi-db-from-frontend"), chainNames(c).toString());
        assertEquals(Set.of("10.65.1.5"), members(c));
    }

    @Test
    void anotherNodesEndpointIsKeptSlimAndStillFillsSetsNamesItsAddressAndLeaves() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply(wep("n2", "web1", "10.65.1.5", "", ""));
        apply(POLICY);
        DataplaneChanges c = state.flush();
        assertEquals(Set.of(), members(c), "web1 has no role yet");
        assertEquals("default/n2-cni-web1-eth0", state.endpointNamesByAddress().get("10.65.1.5"));
        // A profile's labelsToApply re-derives every item's labels from what the model kept of another node's endpoint.
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: kns.default}
                spec: {labelsToApply: {role: frontend}}
                """);
        c = state.flush();
        assertEquals(Set.of("10.65.0.2", "10.65.1.5"), members(c), "their namespace's profile gives both the role");
        state.apply(new ResourceChange(Kind.WORKLOAD_ENDPOINT, "default/n2-cni-web1-eth0", null));
        state.flush();
        assertFalse(state.endpointNamesByAddress().containsKey("10.65.1.5"), "a gone endpoint names nothing");
    }

    @Test
    void ip6tablesOnlyWhileIpv6IsInUseAndItsChainsAndSetsGoWhenItStops() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply(wep("n2", "web1", "10.65.1.5", "role: frontend", ""));
        apply(POLICY);
        DataplaneChanges c = state.flush();
        assertTrue(c.chains.keySet().stream().allMatch(t -> t.ipVersion() == 4), c.chains.keySet().toString());
        apply("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: v6}
                spec: {cidr: "fd00:65::/48"}
                """);
        c = state.flush();
        TableKey filter6 = new TableKey(6, TableKey.FILTER);
        assertTrue(c.chains.get(filter6).containsKey("cali-tw-calidb1"), "an IPv6 pool brings the v6 tables");
        assertTrue(c.ipSets.keySet().stream().anyMatch(n -> n.startsWith("cali60s:")), c.ipSets.keySet().toString());
        state.apply(new ResourceChange(Kind.IP_POOL, "v6", null));
        c = state.flush();
        assertTrue(c.removedChains.get(filter6).contains("cali-tw-calidb1"), "and takes them when it goes");
        assertTrue(c.removedIpSets.stream().anyMatch(n -> n.startsWith("cali60s:")), c.removedIpSets.toString());
        assertTrue(c.hooks.get(filter6).values().stream().allMatch(h -> h.insert().isEmpty() && h.append().isEmpty()),
                "the v6 hooks go too");
    }

    @Test
    void aRemoteEndpointsIpv6AddressIsInTheCali60SetOfItsSelector() {
        apply(wep("n1", "db1", "10.65.0.2", "app: db", ""));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: n2-cni-web6-eth0, namespace: default, labels: {role: frontend}}
                spec:
                  node: n2
                  orchestrator: cni
                  workload: web6
                  endpoint: eth0
                  interfaceName: caliweb6
                  ipNetworks: [10.65.1.6/32, "fd00:65::6/128"]
                """);
        apply(POLICY);
        apply("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: v6}
                spec: {cidr: "fd00:65::/48"}
                """);
        DataplaneChanges c = state.flush();
        Set<String> v6 = new TreeSet<>();
        Set<String> v4 = new TreeSet<>();
        c.ipSets.forEach((name, set) -> (name.startsWith("cali60s:") ? v6 : name.startsWith("cali40s:") ? v4 : new TreeSet<String>())
                .addAll(set.members()));
        assertEquals(Set.of("fd00:65::6"), v6, "the remote frontend's IPv6 address, for the IPv6 rules");
        assertEquals(Set.of("10.65.1.6"), v4);
    }

    @Test
    void aHostEndpointWithoutAnInterfaceNameProtectsTheInterfaceHoldingAnExpectedAddress() {
        // felix endpoint_mgr.go resolveHostEndpoints: bound by address; the lowest name wins an interface.
        apply("""
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: by-address}
                spec: {node: n1, expectedIPs: ["10.99.1.12"]}
                """);
        DataplaneChanges c = state.flush();
        assertFalse(chainNames(c).contains("cali-fh-eth0"), "no interface known yet: " + chainNames(c));
        assertTrue(state.wantsHostInterfaces());
        state.setHostInterfaces(Map.of("eth0", Set.of("10.99.1.12"), "eth1", Set.of("192.0.2.1")));
        c = state.flush();
        assertTrue(chainNames(c).containsAll(List.of("cali-fh-eth0", "cali-th-eth0")), chainNames(c).toString());
        assertFalse(chainNames(c).contains("cali-fh-eth1"));
        state.setHostInterfaces(Map.of("eth1", Set.of("10.99.1.12")));
        c = state.flush();
        assertTrue(chainNames(c).contains("cali-fh-eth1"), "the address moved, so did the protection");
        assertTrue(c.removedChains.get(FILTER4).contains("cali-fh-eth0"));
    }

    @Test
    void serviceClusterIpsAreBlockedInTheCidrBlockChain() {
        state.flush();
        apply("""
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: default}
                spec: {serviceClusterIPs: [{cidr: 10.96.0.0/12}]}
                """);
        DataplaneChanges c = state.flush();
        // felix rules/static.go BlockedCIDRsToIptablesChains with serviceLoopPrevention Drop (the default).
        assertEquals(List.of("--destination 10.96.0.0/12 --jump DROP"), c.chains.get(FILTER4).get("cali-cidr-block"));
    }
    private static String node(String name, String address, String tunnel) {
        return """
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: %s}
                spec:
                  bgp: {ipv4Address: %s/24}
                  ipv4VXLANTunnelAddr: %s
                """.formatted(name, address, tunnel);
    }

    /**
     * Another node reaches the rendering only through its address in the all-hosts sets (felix vxlan_mgr.go,
     * ipip_mgr.go): a tunnel address move writes nothing, an address change or a node leaving rewrites just those
     * two sets, and no static chain is rendered again (issue 16: at 5,000 nodes each node change did).
     */
    @Test
    void anotherNodeChangesOnlyTheAllHostsSetsAndOnlyByItsAddress() {
        apply(node("n2", "192.168.0.2", "10.65.1.0"));
        DataplaneChanges first = state.flush();
        assertEquals(Set.of("192.168.0.2"), first.ipSets.get("cali40all-hosts-net").members());
        assertEquals(Set.of("192.168.0.2"), first.ipSets.get("cali40all-vxlan-net").members());
        assertFalse(first.chains.isEmpty(), "the static chains are rendered once");

        apply(node("n2", "192.168.0.2", "10.65.1.9"));
        assertTrue(state.flush().isEmpty(), "a tunnel address move changes nothing here");
        assertEquals(Set.of(), state.lastRendered(), "and renders nothing");

        apply(node("n3", "192.168.0.3", "10.65.2.0"));
        DataplaneChanges added = state.flush();
        assertEquals(Set.of("cali40all-hosts-net", "cali40all-vxlan-net"), added.ipSets.keySet());
        assertEquals(Set.of("192.168.0.2", "192.168.0.3"), added.ipSets.get("cali40all-hosts-net").members());
        assertTrue(added.chains.isEmpty() && added.hooks.isEmpty(), "no chain is rewritten: " + added.chains.keySet());
        assertEquals(Set.of(PolicyState.HOST_SETS), state.lastRendered(), "the static chains are not rendered again");

        state.apply(new ResourceChange(Kind.NODE, "n2", null));
        DataplaneChanges gone = state.flush();
        assertEquals(Set.of("192.168.0.3"), gone.ipSets.get("cali40all-vxlan-net").members());
        assertTrue(gone.removedIpSets.isEmpty(), "the sets stay, emptier: " + gone.removedIpSets);
    }
}
