package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ResourceCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Manifests Calico v3.18 accepts that Tabby once refused (some were in the bad-manifest corpus), each with the
 * libcalico-go release-v3.18 rule that accepts it, and the few places where Calico's rule is narrower or wider than it
 * reads. Where Tabby cannot use what it keeps, it says so in a warning.
 */
class CalicoAcceptsTest {

    private static Manifest read(String kind, String metadata, String spec) {
        return ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: " + kind + "\nmetadata: " + metadata
                + "\nspec: " + spec + "\n");
    }

    private static boolean warned(Manifest m, String text) {
        return m.warnings().stream().anyMatch(w -> w.contains(text));
    }

    @Test
    void listenPortZeroIsUnsetAsGoOmitsIt() {
        // bgpconfig.go ListenPort uint16 `validate:"omitempty,gt=0"`: 0 skips the check; omitempty does not write it.
        BGPConfiguration c = (BGPConfiguration) read("BGPConfiguration", "{name: default}", "{listenPort: 0}").resources().get(0);
        assertNull(c.spec().listenPort());
    }

    @Test
    void asNumberZeroIsUnsetOnAPeerAndKeptWithAWarningElsewhere() {
        // numorstring ASNumber is a uint32; bgppeer.go's is omitempty, validateBGPPeerSpec treats 0 as unset.
        Manifest peer = read("BGPPeer", "{name: p1}", "{peerSelector: has(rr), asNumber: 0}");
        assertNull(((BGPPeer) peer.resources().get(0)).spec().asNumber());
        Manifest config = read("BGPConfiguration", "{name: default}", "{asNumber: 0}");
        assertEquals(0, ((BGPConfiguration) config.resources().get(0)).spec().asNumber().value());
        assertTrue(warned(config, "RFC 7607"), config.warnings().toString());
    }

    @Test
    void typesMayLeaveOutADirectionThePolicyHasRulesFor() {
        // validator_test.go "allow Types without egress when Egress present": the rules are kept and not used.
        Manifest m = read("GlobalNetworkPolicy", "{name: g1}", "{types: [Ingress], egress: [{action: Allow}]}");
        assertEquals(List.of("Ingress"), ((GlobalNetworkPolicy) m.resources().get(0)).spec().types());
        assertTrue(warned(m, "spec.types: has no Egress"), m.warnings().toString());
    }

    @Test
    void aRulesNamedPortIsAnyNumorstringName() {
        // numorstring/port.go nameRegex ^[a-zA-Z0-9_.-]{1,128}$ (wider than an endpoint port's IANA name).
        Manifest m = read("GlobalNetworkPolicy", "{name: g1}",
                "{ingress: [{action: Allow, protocol: TCP, destination: {ports: [Not_A_Name, x.y]}}]}");
        Rule r = ((GlobalNetworkPolicy) m.resources().get(0)).spec().ingress().get(0);
        assertEquals(List.of(Port.named("Not_A_Name"), Port.named("x.y")), r.destination().ports());
    }

    @Test
    void whatValidateRuleDoesNotLookAtIsAccepted() {
        // validateRule checks the protocol for icmp only, not notICMP; ServiceAccountMatch.Names and
        // HTTPMatch.Methods carry no tag beyond duplicates.
        Manifest m = read("GlobalNetworkPolicy", "{name: g1}", "{ingress: [{action: Allow, notICMP: {type: 8},"
                + " http: {methods: [FOO]}, source: {serviceAccounts: {names: [Any_Name]}}}]}");
        assertEquals(1, m.resources().size());
    }

    @Test
    void protocolNumbersAreNotNamesWhereValidateRuleComparesNames() {
        // validateRule compares the protocol with ProtocolFromString("ICMP"/"ICMPv6"/"TCP"): 1, 58 and 6 written as
        // numbers are other values. So ipVersion is not checked against protocol 58 ...
        assertEquals(1, read("GlobalNetworkPolicy", "{name: g1}", "{ingress: [{action: Allow, ipVersion: 4, protocol: 58}]}")
                .resources().size());
        // ... and icmp needs the name, as http needs "TCP" by name.
        assertThrows(dev.tabby.model.codec.ManifestException.class, () -> read("GlobalNetworkPolicy", "{name: g1}",
                "{ingress: [{action: Allow, protocol: 1, icmp: {type: 8}}]}"));
        assertThrows(dev.tabby.model.codec.ManifestException.class, () -> read("GlobalNetworkPolicy", "{name: g1}",
                "{ingress: [{action: Allow, protocol: 6, http: {methods: [GET]}}]}"));
    }

    @Test
    void aNodesBgpNeedsOnlyOneField() {
        // validateNodeSpec refuses an empty BGP only (validator_test.go "should accept node with tunnel IP in BGP").
        Node n = (Node) read("Node", "{name: n1}", "{bgp: {ipv4IPIPTunnelAddr: 10.0.0.1}, orchRefs: [{nodeName: n1}]}")
                .resources().get(0);
        assertEquals("10.0.0.1", n.spec().bgp().ipv4IPIPTunnelAddr());
        assertNull(n.spec().orchRefs().get(0).orchestrator(), "OrchRef has no tag and no dive: nothing is checked");
    }

    @Test
    void bgpConfigurationAcceptsWhatItsTagsAllow() {
        // Community names may repeat (no rule against it); a service block with no cidr is omitempty.
        Manifest m = read("BGPConfiguration", "{name: default}", "{communities: [{name: c1, value: \"1:1\"},"
                + " {name: c1, value: \"2:2\"}], prefixAdvertisements: [{cidr: 10.0.0.0/8, communities: [c1]}],"
                + " serviceClusterIPs: [{}]}");
        assertEquals(1, m.resources().size());
        assertTrue(warned(m, "spec.serviceClusterIPs[0]: has no cidr"), m.warnings().toString());
    }

    @Test
    void macAddressesAsGoParsesThem() {
        // validator.go validateMAC is net.ParseMAC: dotted groups of four hex digits too.
        WorkloadEndpoint w = (WorkloadEndpoint) read("WorkloadEndpoint", "{name: w1, namespace: ns1}",
                "{node: n1, interfaceName: cali1, mac: 0000.5e00.5301}").resources().get(0);
        assertEquals("00:00:5e:00:53:01", w.spec().mac());
    }

    @Test
    void annotationKeysAreCheckedLowerCased() {
        // validateObjectMetaAnnotations: IsQualifiedName(strings.ToLower(k)).
        Manifest m = read("IPPool", "{name: p1, annotations: {ProjectCalico.org/Owner: team-a}}", "{cidr: 10.0.0.0/16}");
        assertFalse(m.resources().isEmpty());
    }
}
