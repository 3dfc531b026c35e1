package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calico's own accept/refuse cases for the kinds Tabby stores, ported from libcalico-go release-v3.18
 * lib/validator/v3/validator_test.go (DescribeTable "Validator"; the number is the Entry's line there, the text its
 * description). What Calico accepts Tabby accepts, what it refuses Tabby refuses.
 *
 * <p>Calico's cases validate a bare struct (a Rule, a NodeSpec); here each is written as the smallest manifest that
 * holds it (a Rule as the ingress rule of a GlobalNetworkPolicy, an EndpointPort as a HostEndpoint's port, a
 * WorkloadEndpointSpec with the node calicoctl's client requires) and read as tabbyctl reads it. Skipped cases are
 * listed in {@link #SKIPPED} with the reason.
 */
class CalicoValidatorCasesTest {

    /** Cases that a manifest cannot express, or that belong to kinds checked elsewhere. */
    static final Map<String, String> SKIPPED = Map.ofEntries(
            Map.entry("991", "a port with both a name and numbers cannot be written in a manifest"),
            Map.entry("575-636, 1443-1447, 2001-2049", "FelixConfiguration: FelixConfigurationTest's subject"),
            Map.entry("2052-2106", "KubeControllersConfiguration: not a kind Tabby has"),
            Map.entry("415-418", "ProtoPort is FelixConfiguration's (failsafe ports): FelixConfigurationTest"),
            Map.entry("887", "\"a nil IPIP field\": a manifest's ipip: null reads as absent, the same as 888"));

    /**
     * Cases where Tabby still decides otherwise, each with why; the test asserts the difference, so that fixing it
     * shows here. The selector language is dev.tabby.model.selector's, outside this test's subject.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    // builder name -> document; %s is the case's YAML
    private static final Map<String, String> BUILDERS = Map.ofEntries(
            Map.entry("rule", gnp("g1", "{ingress: [%s]}")),
            Map.entry("proto", gnp("g1", "{ingress: [{action: Allow, protocol: %s}]}")),
            Map.entry("entity", gnp("g1", "{ingress: [{action: Allow, source: %s}]}")),
            Map.entry("icmp", gnp("g1", "{ingress: [{action: Allow, protocol: ICMP, icmp: %s}]}")),
            Map.entry("http", gnp("g1", "{ingress: [{action: Allow, http: %s}]}")),
            Map.entry("port", doc("HostEndpoint", "{name: h1}", "{node: node01, interfaceName: eth0, ports: [%s]}")),
            Map.entry("hep", doc("HostEndpoint", "{name: h1}", "%s")),
            Map.entry("wep", doc("WorkloadEndpoint", "{name: w1, namespace: default}", "%s")),
            Map.entry("pool", doc("IPPool", "{name: pool.name}", "%s")),
            Map.entry("poolmeta", doc("IPPool", "%s", "{cidr: 1.2.3.0/26}")),
            Map.entry("bgpc", doc("BGPConfiguration", "{name: default}", "%s")),
            Map.entry("peer", doc("BGPPeer", "{name: peer1}", "%s")),
            Map.entry("node", doc("Node", "{name: node1}", "%s")),
            Map.entry("status", "apiVersion: projectcalico.org/v3\nkind: Node\nmetadata: {name: node1}\nstatus: %s\n"),
            Map.entry("gnp", gnp("thing", "%s")),
            Map.entry("gnpname", doc("GlobalNetworkPolicy", "{name: \"%s\"}", "{}")),
            Map.entry("np", doc("NetworkPolicy", "{name: thing, namespace: default}", "%s")),
            Map.entry("npname", doc("NetworkPolicy", "{name: \"%s\", namespace: default}", "{}")),
            Map.entry("gnsspec", doc("GlobalNetworkSet", "{name: testset}", "%s")),
            Map.entry("gnsmeta", doc("GlobalNetworkSet", "%s", "{nets: [10.0.0.1]}")),
            Map.entry("nsspec", doc("NetworkSet", "{name: testset, namespace: default}", "%s")),
            Map.entry("nsmeta", doc("NetworkSet", "%s", "{nets: [10.0.0.1]}")),
            Map.entry("profile", doc("Profile", "{name: p1}", "%s")));

    private static String doc(String kind, String metadata, String spec) {
        return "apiVersion: projectcalico.org/v3\nkind: " + kind + "\nmetadata: " + metadata + "\nspec: " + spec + "\n";
    }

    private static String gnp(String name, String spec) {
        return doc("GlobalNetworkPolicy", "{name: " + name + "}", spec);
    }

    /** line @@ A(ccept) or R(efuse) @@ builder @@ YAML @@ Calico's description. */
    private static final String CASES = """
            98 @@ R @@ rule @@ {action: Allow, protocol: TCP, destination: {notPorts: ["0:456"]}} @@ should reject Rule with invalid port (name + number) [Validator errors]
            126 @@ A @@ rule @@ {action: Allow} @@ should accept allow action
            127 @@ A @@ rule @@ {action: Deny} @@ should accept deny action
            128 @@ A @@ rule @@ {action: Log} @@ should accept log action
            129 @@ R @@ rule @@ {action: unknown} @@ should reject unknown action
            130 @@ R @@ rule @@ {action: allowfoo} @@ should reject unknown action
            131 @@ R @@ rule @@ {} @@ should reject rule with no action
            134 @@ A @@ port @@ {name: a-valid-port, protocol: TCP, port: 1234} @@ should accept EndpointPort with tcp protocol
            139 @@ A @@ port @@ {name: a-valid-port, protocol: UDP, port: 1234} @@ should accept EndpointPort with udp protocol
            144 @@ A @@ port @@ {name: a-valid-port, protocol: SCTP, port: 1234} @@ should accept EndpointPort with sctp protocol
            149 @@ R @@ port @@ {name: "", protocol: UDP, port: 1234} @@ should reject EndpointPort with empty name
            154 @@ R @@ port @@ {name: a-valid-port, port: 1234} @@ should reject EndpointPort with no protocol
            158 @@ R @@ port @@ {name: a-valid-port, protocol: 123, port: 1234} @@ should reject EndpointPort with numeric protocol
            163 @@ R @@ port @@ {name: a-valid-port, protocol: TCP} @@ should reject EndpointPort with no port
            169 @@ A @@ wep @@ {node: node1, interfaceName: eth0, ports: [{name: a-valid-port, protocol: TCP, port: 1234}]} @@ should accept WorkloadEndpointSpec with a port (m)
            182 @@ R @@ wep @@ {node: node1, interfaceName: eth0, ports: [{protocol: TCP, port: 1234}]} @@ should reject WorkloadEndpointSpec with an unnamed port (m)
            194 @@ A @@ wep @@ {node: node1, interfaceName: eth0, ports: [{name: a-valid-port, protocol: TCP, port: 1234}, {name: a-valid-port, protocol: UDP, port: 5456}]} @@ should accept WorkloadEndpointSpec with name-clashing ports (m)
            214 @@ A @@ hep @@ {interfaceName: eth0, node: node01, ports: [{name: a-valid-port, protocol: TCP, port: 1234}]} @@ should accept HostEndpointSpec with a port (m)
            228 @@ R @@ hep @@ {interfaceName: eth0, node: node01, ports: [{protocol: TCP, port: 1234}]} @@ should reject HostEndpointSpec with an unnamed port (m)
            241 @@ R @@ hep @@ {interfaceName: eth0, ports: [{name: a-valid-port, protocol: TCP, port: 1234}]} @@ should reject HostEndpointSpec with a missing node
            254 @@ A @@ hep @@ {interfaceName: eth0, node: node01, ports: [{name: a-valid-port, protocol: TCP, port: 1234}, {name: a-valid-port, protocol: UDP, port: 5456}]} @@ should accept HostEndpointSpec with name-clashing ports (m)
            273 @@ A @@ hep @@ {interfaceName: "*", node: node01} @@ should accept HostEndpointSpec with interfaceName *
            281 @@ A @@ gnsspec @@ {nets: [10.0.0.1, 11.0.0.0/8, "dead:beef::", "dead:beef::/96"]} @@ should accept GlobalNetworkSetSpec with CIDRs and IPs
            292 @@ R @@ gnsspec @@ {nets: [garbage]} @@ should reject GlobalNetworkSetSpec with bad CIDR
            300 @@ A @@ gnsmeta @@ {name: testset, labels: {a: b}} @@ should accept GlobalNetworkSet with labels
            314 @@ R @@ gnsmeta @@ {name: testset, labels: {projectcalico.org/namespace: foo}} @@ should reject GlobalNetworkSet with reserved labels
            328 @@ R @@ gnsmeta @@ {name: test$set} @@ should reject GlobalNetworkSet with bad name
            339 @@ A @@ nsspec @@ {nets: [10.0.0.1, 11.0.0.0/8, "dead:beef::", "dead:beef::/96"]} @@ should accept NetworkSetSpec with CIDRs and IPs
            350 @@ R @@ nsspec @@ {nets: [garbage]} @@ should reject NetworkSetSpec with bad CIDR
            358 @@ A @@ nsmeta @@ {name: testset, namespace: default, labels: {a: b}} @@ should accept NetworkSet with labels
            372 @@ R @@ nsmeta @@ {name: testset, namespace: default, labels: {projectcalico.org/namespace: foo}} @@ should reject NetworkSet with reserved labels
            386 @@ R @@ nsmeta @@ {name: test$set, namespace: default} @@ should reject NetworkSet with bad name
            398 @@ A @@ bgpc @@ {logSeverityScreen: Info} @@ should accept a valid BGP logging level: Info
            399 @@ R @@ bgpc @@ {logSeverityScreen: info} @@ should reject an invalid BGP logging level: info
            400 @@ R @@ bgpc @@ {logSeverityScreen: INFO} @@ should reject an invalid BGP logging level: INFO
            401 @@ R @@ bgpc @@ {logSeverityScreen: invalidLvl} @@ should reject an invalid BGP logging level: invalidLvl
            402 @@ A @@ bgpc @@ {serviceClusterIPs: [{cidr: 1.2.3.4}]} @@ should accept a valid BGP clusterIPs: 1.2.3.4
            403 @@ A @@ bgpc @@ {serviceExternalIPs: [{cidr: 8.8.8.8}]} @@ should accept a valid BGP externalIPs: 8.8.8.8
            404 @@ R @@ bgpc @@ {serviceClusterIPs: [{cidr: x.x.x.x}]} @@ should reject invalid BGP clusterIPs: x.x.x.x
            405 @@ R @@ bgpc @@ {serviceExternalIPs: [{cidr: y.y.y.y}]} @@ should reject invalid BGP externalIPs: x.x.x.x
            406 @@ A @@ bgpc @@ {serviceClusterIPs: [{cidr: "fdf5:1234::102:304"}]} @@ should accept valid IPv6 BGP clusterIP
            407 @@ A @@ bgpc @@ {serviceExternalIPs: [{cidr: "fdf5:1234::808:808"}]} @@ should accept valid IPv6 BGP externalIP
            410 @@ A @@ rule @@ {action: Allow, ipVersion: 4} @@ should accept IP version 4
            411 @@ A @@ rule @@ {action: Allow, ipVersion: 6} @@ should accept IP version 6
            412 @@ R @@ rule @@ {action: Allow, ipVersion: 0} @@ should reject IP version 0
            422 @@ A @@ entity @@ {selector: "foo == \\"bar\\""} @@ should accept valid selector
            423 @@ A @@ entity @@ {selector: "has(calico/k8s_ns)"} @@ should accept valid selector with 'has' and a '/'
            424 @@ A @@ entity @@ {selector: "has(calico/k8s_ns/role)"} @@ should accept valid selector with 'has' and two '/'
            425 @@ A @@ entity @@ {selector: "has(calico/k8s_NS-.1/role)"} @@ should accept valid selector with 'has' and two '/' and '-.'
            426 @@ R @@ entity @@ {selector: "thing=hello &"} @@ should reject invalid selector
            429 @@ A @@ profile @@ {labelsToApply: {project.calico.org/my-valid-label: ${x63}}} @@ should accept a valid labelsToApply
            430 @@ R @@ profile @@ {labelsToApply: {project.calico.org/my-valid-label: ${x64}}} @@ should reject an excessively long value in labelsToApply
            431 @@ R @@ profile @@ {labelsToApply: {.mylabel: value}} @@ should reject . at start of key in a labelsToApply
            432 @@ R @@ profile @@ {labelsToApply: {"my!nvalid-label": value}} @@ should reject ! in a labelsToApply
            433 @@ R @@ profile @@ {labelsToApply: {"my-invalid-label$": value}} @@ should reject $ in a labelsToApply
            434 @@ A @@ poolmeta @@ {name: pool.name, labels: {projectcalico.org/label: ${x63}}} @@ should accept valid labels in metadata
            446 @@ R @@ poolmeta @@ {name: pool.name, labels: {projectcalico.org/label: ${x64}}} @@ should reject an excessively long value in labels in metadata
            457 @@ R @@ poolmeta @@ {name: pool.name, labels: {ProjectCalico.org/label: value}} @@ should reject invalid labels in metadata (uppercase domain)
            468 @@ A @@ poolmeta @@ {name: pool.name, labels: {projectcalico.org/Label: value}} @@ should accept valid labels in metadata (uppercase name)
            479 @@ R @@ poolmeta @@ {name: pool.name, annotations: {"projectcalico.org$label": value}} @@ should reject invalid annotations in metadata
            490 @@ A @@ poolmeta @@ {name: pool.name, annotations: {ProjectCalico.org/Label: value}} @@ should accept valid annotations in metadata (uppercase domain and name)
            501 @@ R @@ poolmeta @@ {name: pool.name, annotations: {"projectcalico.org$label": value}} @@ should reject invalid annotations in metadata
            512 @@ A @@ poolmeta @@ {name: pool.name, annotations: {key: ${x262141}}} @@ should allow annotations in metadata <= 256k
            523 @@ R @@ poolmeta @@ {name: pool.name, annotations: {key: ${x262142}}} @@ should disallow annotations in metadata > 256k
            534 @@ A @@ poolmeta @@ {name: ${x253}} @@ should allow a name of 253 chars
            542 @@ R @@ poolmeta @@ {name: ${x254}} @@ should disallow a name of 254 chars
            550 @@ A @@ pool @@ {cidr: 1.2.3.0/26, nodeSelector: "foo == \\"bar\\""} @@ should allow a valid nodeSelector
            558 @@ R @@ pool @@ {cidr: 1.2.3.0/26, nodeSelector: this is not valid selector syntax} @@ should disallow a invalid nodeSelector
            568 @@ A @@ wep @@ {node: node1, interfaceName: Valid_Iface.0-9} @@ should accept a valid interface
            569 @@ R @@ wep @@ {node: node1, interfaceName: interfaceTooLong} @@ should reject an interface that is too long
            570 @@ R @@ wep @@ {node: node1, interfaceName: Invalid&Intface} @@ should reject & in an interface
            571 @@ R @@ wep @@ {node: node1, interfaceName: "Invalid#Intface"} @@ should reject # in an interface
            572 @@ R @@ wep @@ {node: node1, interfaceName: "Invalid:Intface"} @@ should reject : in an interface
            639 @@ A @@ proto @@ TCP @@ should accept protocol TCP
            640 @@ A @@ proto @@ UDP @@ should accept protocol UDP
            641 @@ A @@ proto @@ ICMP @@ should accept protocol ICMP
            642 @@ A @@ proto @@ ICMPv6 @@ should accept protocol ICMPv6
            643 @@ A @@ proto @@ SCTP @@ should accept protocol SCTP
            644 @@ A @@ proto @@ UDPLite @@ should accept protocol UDPLite
            645 @@ A @@ proto @@ 1 @@ should accept protocol 1 as int
            646 @@ A @@ proto @@ 255 @@ should accept protocol 255 as int
            647 @@ A @@ proto @@ "255" @@ should accept protocol 255 as string
            648 @@ A @@ proto @@ "1" @@ should accept protocol 1 as string
            649 @@ R @@ proto @@ 0 @@ should reject protocol 0 as int
            650 @@ R @@ proto @@ "256" @@ should reject protocol 256 as string
            651 @@ R @@ proto @@ "0" @@ should reject protocol 0 as string
            652 @@ R @@ proto @@ tcpfoo @@ should reject protocol tcpfoo
            653 @@ R @@ proto @@ footcp @@ should reject protocol footcp
            654 @@ R @@ proto @@ tcp @@ should reject protocol tcp
            657 @@ A @@ wep @@ {node: node1, interfaceName: cali0, ipNetworks: [1.2.3.4/32], ipNATs: [{internalIP: 1.2.3.4, externalIP: 100.200.0.0}]} @@ should accept valid IPNAT IPv4
            662 @@ A @@ wep @@ {node: node1, interfaceName: cali0, ipNetworks: ["aabb:aabb::ffff/128"], ipNATs: [{internalIP: "aabb:aabb::ffff", externalIP: "aabb::abcd"}]} @@ should accept valid IPNAT IPv6
            667 @@ R @@ wep @@ {node: node1, interfaceName: cali0, ipNetworks: [1.2.3.4/32], ipNATs: [{internalIP: 1.2.3.4, externalIP: "aabb:aabb::ffff"}]} @@ should reject IPNAT mixed IPv4 (int) and IPv6 (ext)
            672 @@ R @@ wep @@ {node: node1, interfaceName: cali0, ipNetworks: ["aabb:aabb::ffff/128"], ipNATs: [{internalIP: "aabb:aabb::ffff", externalIP: 1.2.3.4}]} @@ should reject IPNAT mixed IPv6 (int) and IPv4 (ext)
            679 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237} @@ should accept workload endpoint with interface only
            683 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: [1.2.3.4/32, 1.2.0.0/32, "aabb:aabb::ffff/128", "aabb:aabb::/128"]} @@ should accept workload endpoint with networks and no nats
            688 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: [1.2.3.4/32], ipNATs: [{internalIP: 1.2.3.4, externalIP: 100.200.0.0}]} @@ should accept workload endpoint with IPv4 NAT covered by network
            694 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: ["aabb:aabb::ffff/128"], ipNATs: [{internalIP: "aabb:aabb::ffff", externalIP: "aabb::abcd"}]} @@ should accept workload endpoint with IPv6 NAT covered by network
            700 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: [1.2.3.4/32, "aabb:aabb::ffff/128"], ipNATs: [{internalIP: 1.2.3.4, externalIP: 100.200.0.0}, {internalIP: "aabb:aabb::ffff", externalIP: "aabb::abcd"}]} @@ should accept workload endpoint with IPv4 and IPv6 NAT covered by network
            709 @@ A @@ wep @@ {node: node1, interfaceName: cali012371237, containerID: Cath01234-G} @@ should accept workload endpoint with mixed-case ContainerID
            714 @@ R @@ wep @@ {} @@ should reject workload endpoint with no config
            715 @@ R @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: [1.2.3.0/26]} @@ should reject workload endpoint with IPv4 networks that contain >1 address
            720 @@ R @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: ["aabb:aabb::0000/122"]} @@ should reject workload endpoint with IPv6 networks that contain >1 address
            725 @@ R @@ wep @@ {node: node1, interfaceName: cali012371237, ipNATs: [{internalIP: 100.200.0.0, externalIP: 1.2.3.4}]} @@ should reject workload endpoint with nats and no networks
            730 @@ R @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: [1.2.3.4/32], ipNATs: [{internalIP: 100.200.0.0, externalIP: 1.2.3.4}]} @@ should reject workload endpoint with IPv4 NAT not covered by network
            736 @@ R @@ wep @@ {node: node1, interfaceName: cali012371237, ipNetworks: ["aabb:aabb::ffff/128"], ipNATs: [{internalIP: "aabb::abcd", externalIP: "aabb:aabb::ffff"}]} @@ should reject workload endpoint with IPv6 NAT not covered by network
            742 @@ R @@ wep @@ {node: node1, interfaceName: cali0134, containerID: -abcdefg} @@ should reject workload endpoint containerID that starts with a dash
            747 @@ R @@ wep @@ {node: node1, interfaceName: cali0134, containerID: abcdeSg-} @@ should reject workload endpoint containerID that ends with a dash
            752 @@ R @@ wep @@ {node: node1, interfaceName: cali0134, containerID: abcde-j.g} @@ should reject workload endpoint containerID that contains a period
            759 @@ A @@ hep @@ {interfaceName: eth0, node: node01} @@ should accept host endpoint with interface and node
            764 @@ A @@ hep @@ {expectedIPs: [1.2.3.4, "aabb:aabb::ffff"], node: node01} @@ should accept host endpoint with expected IPs
            769 @@ A @@ hep @@ {interfaceName: eth0, expectedIPs: [1.2.3.4, "aabb:aabb::ffff"], node: node01} @@ should accept host endpoint with interface and expected IPs
            775 @@ R @@ hep @@ {} @@ should reject host endpoint with no config
            776 @@ R @@ hep @@ {interfaceName: "", expectedIPs: [], node: node01} @@ should reject host endpoint with blank interface an no IPs
            782 @@ A @@ hep @@ {interfaceName: eth0, profiles: [knp.default.fun, knp.default.funner.11234-a], node: node01} @@ should accept host endpoint with prefixed profile name
            788 @@ A @@ hep @@ {interfaceName: eth0, profiles: [fun-funner1234], node: node01} @@ should accept host endpoint without prefixed profile name
            794 @@ R @@ hep @@ {interfaceName: eth0, profiles: [.fun], node: node01} @@ should reject host endpoint with no prefix and dots at the start of the name
            802 @@ A @@ pool @@ {cidr: 1.2.3.0/26} @@ should accept IP pool with IPv4 CIDR /26
            806 @@ A @@ pool @@ {cidr: 1.0.0.0/10} @@ should accept IP pool with IPv4 CIDR /10
            810 @@ A @@ pool @@ {cidr: "aabb:aabb::0000/122", ipipMode: Never, vxlanMode: Never} @@ should accept IP pool with IPv6 CIDR /122
            818 @@ A @@ pool @@ {cidr: "aa00:0000::0000/10", ipipMode: Never, vxlanMode: Never} @@ should accept IP pool with IPv6 CIDR /10
            826 @@ A @@ pool @@ {cidr: 1.2.3.0/27, disabled: true} @@ should accept a disabled IP pool with IPv4 CIDR /27
            833 @@ A @@ pool @@ {cidr: "aabb:aabb::ffff/128", ipipMode: Never, vxlanMode: Never, disabled: true} @@ should accept a disabled IP pool with IPv6 CIDR /128
            842 @@ R @@ pool @@ {cidr: 1.2.3.0/27} @@ should reject IP pool with IPv4 CIDR /27
            843 @@ R @@ pool @@ {cidr: "aabb:aabb::ffff/128"} @@ should reject IP pool with IPv6 CIDR /128
            844 @@ R @@ pool @@ {cidr: 1.2.3.4/33} @@ should reject IP pool with IPv4 CIDR /33
            845 @@ R @@ pool @@ {cidr: "aa:bb::/129"} @@ should reject IP pool with IPv6 CIDR /129
            846 @@ R @@ pool @@ {cidr: "aabb:aabb::ffff/128", ipipMode: Always, vxlanMode: Never} @@ should reject IPIPMode 'Always' for IPv6 pool
            855 @@ R @@ pool @@ {cidr: "aabb:aabb::ffff/128", vxlanMode: Always, ipipMode: Never} @@ should reject VXLANMode 'Always' for IPv6 pool
            864 @@ R @@ pool @@ {cidr: 169.254.5.0/24} @@ should reject IPv4 pool with a CIDR range overlapping with Link Local range
            866 @@ R @@ pool @@ {cidr: "fe80::/120"} @@ should reject IPv6 pool with a CIDR range overlapping with Link Local range
            870 @@ A @@ pool @@ {cidr: 1.2.3.0/24} @@ should accept IPPool with no IPIP mode specified
            871 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never, vxlanMode: Never} @@ should accept IPIP mode Never (api)
            872 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never} @@ should accept IPIP mode Never
            873 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Always} @@ should accept IPIP mode Always
            874 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: CrossSubnet} @@ should accept IPIP mode CrossSubnet
            875 @@ R @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: badVal} @@ should reject IPIP mode badVal
            876 @@ R @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: never} @@ should reject IPIP mode never (lower case)
            879 @@ R @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Always, vxlanMode: Always} @@ should reject IPIP mode and VXLAN mode
            880 @@ A @@ pool @@ {cidr: 1.2.3.0/24, vxlanMode: Always} @@ should accept VXLAN mode Always
            881 @@ A @@ pool @@ {cidr: 1.2.3.0/24, vxlanMode: CrossSubnet} @@ should accept VXLAN mode CrossSubnet
            882 @@ A @@ pool @@ {cidr: 1.2.3.0/24, vxlanMode: Never} @@ should accept VXLAN mode Never
            883 @@ R @@ pool @@ {cidr: 1.2.3.0/24, vxlanMode: never} @@ should reject VXLAN mode never
            884 @@ R @@ pool @@ {cidr: 1.2.3.0/24, vxlanMode: badVal} @@ should reject VXLAN mode badVal
            888 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never} @@ should accept it when the IPIP field is not specified
            889 @@ R @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never, ipip: {enabled: true, mode: always}} @@ should reject a non-nil IPIP field
            892 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never, nat-outgoing: false} @@ should accept NATOutgoingV1 field set to true [sic: the value is false]
            893 @@ A @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never} @@ should accept it when the NATOutgoingV1 field is not specified
            894 @@ R @@ pool @@ {cidr: 1.2.3.0/24, ipipMode: Never, nat-outgoing: true} @@ should reject NATOutgoingV1 field set to true
            897 @@ A @@ icmp @@ {} @@ should accept ICMP with no config
            898 @@ A @@ icmp @@ {type: 0} @@ should accept ICMP with type with min value
            899 @@ A @@ icmp @@ {type: 254} @@ should accept ICMP with type with max value
            900 @@ A @@ icmp @@ {type: 128, code: 0} @@ should accept ICMP with type and code with min value
            901 @@ A @@ icmp @@ {type: 128, code: 255} @@ should accept ICMP with type and code with min value
            902 @@ R @@ icmp @@ {code: 0} @@ should reject ICMP with code and no type
            903 @@ R @@ icmp @@ {type: 255} @@ should reject ICMP with type too high
            904 @@ R @@ icmp @@ {type: 128, code: 256} @@ should reject ICMP with code too high
            907 @@ A @@ rule @@ {action: Allow, protocol: SCTP} @@ should accept Rule with protocol SCTP and no other config
            912 @@ A @@ rule @@ {action: Allow, protocol: 6, source: {ports: [1]}} @@ should accept Rule with source ports and protocol type 6
            920 @@ A @@ rule @@ {action: Allow, protocol: 6, source: {ports: [foo]}} @@ should accept Rule with source named ports and protocol type 6
            928 @@ A @@ rule @@ {action: Allow, protocol: TCP, source: {ports: [foo]}} @@ should accept Rule with source named ports and protocol type tcp
            936 @@ A @@ rule @@ {action: Allow, protocol: UDP, source: {ports: [foo]}} @@ should accept Rule with source named ports and protocol type udp
            944 @@ A @@ rule @@ {action: Allow, protocol: 7, source: {ports: []}} @@ should accept Rule with empty source ports and protocol type 7
            952 @@ A @@ rule @@ {action: Allow, protocol: 17, source: {notPorts: [1]}} @@ should accept Rule with source !ports and protocol type 17
            960 @@ A @@ rule @@ {action: Allow, protocol: 100, source: {notPorts: []}} @@ should accept Rule with empty source !ports and protocol type 100
            968 @@ A @@ rule @@ {action: Allow, protocol: TCP, destination: {ports: [1]}} @@ should accept Rule with dest ports and protocol type tcp
            976 @@ R @@ rule @@ {action: Allow, destination: {ports: [1]}} @@ should reject Rule with dest ports and no protocol
            983 @@ R @@ rule @@ {action: Allow, protocol: TCP, destination: {notPorts: [0]}} @@ should reject Rule with invalid port (port 0)
            1003 @@ R @@ rule @@ {action: Allow, protocol: unknown, destination: {notPorts: [foo]}} @@ should reject named port Rule with invalid protocol
            1011 @@ A @@ rule @@ {action: Allow, protocol: SCTP, destination: {ports: []}} @@ should accept Rule with empty dest ports and protocol type SCTP
            1019 @@ A @@ rule @@ {action: Allow, ipVersion: 6, protocol: ICMPv6, destination: {notPorts: []}} @@ should accept Rule with empty dest !ports and protocol type ICMPv6
            1028 @@ R @@ rule @@ {action: Allow, ipVersion: 4, icmp: {type: 0}} @@ should reject Rule with icmp fields and no protocol
            1036 @@ A @@ rule @@ {action: Allow, protocol: ICMP, icmp: {type: 0}} @@ should not reject Rule with icmp fields and no ipversion
            1044 @@ A @@ rule @@ {action: Allow, protocol: ICMPv6, icmp: {type: 0}} @@ should not reject Rule with icmpv6 fields and no ipversion
            1052 @@ R @@ rule @@ {action: Allow, protocol: ICMP, ipVersion: 6} @@ should reject Rule with mismatched ipversion for icmp
            1058 @@ R @@ rule @@ {action: Allow, protocol: ICMPv6, ipVersion: 4} @@ should reject Rule with mismatched ipversion for icmpv6
            1064 @@ A @@ rule @@ {action: Allow, ipVersion: 4, protocol: ICMP, icmp: {type: 0}} @@ should allow Rule with correct ipversion for icmp
            1073 @@ A @@ rule @@ {action: Allow, ipVersion: 6, protocol: ICMPv6, icmp: {type: 0}} @@ should allow Rule with correct ipversion for icmpv6
            1082 @@ R @@ rule @@ {action: Allow, protocol: 7, source: {ports: [1]}} @@ should reject Rule with source ports and protocol type 7
            1090 @@ R @@ rule @@ {action: Allow, protocol: 100, source: {notPorts: [1]}} @@ should reject Rule with source !ports and protocol type 100
            1098 @@ A @@ rule @@ {action: Allow, protocol: SCTP, destination: {ports: [1]}} @@ should allow Rule with dest ports and protocol type sctp
            1106 @@ R @@ rule @@ {action: Allow, ipVersion: 4, protocol: ICMP, destination: {notPorts: [1]}} @@ should reject Rule with dest !ports and protocol type udp
            1115 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {ports: ["200:100"]}} @@ should reject Rule with invalid source ports and protocol type tcp
            1123 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {notPorts: ["200:100"]}} @@ should reject Rule with invalid source !ports and protocol type tcp
            1131 @@ R @@ rule @@ {action: Allow, protocol: TCP, destination: {ports: ["200:100"]}} @@ should reject Rule with invalid dest ports and protocol type tcp
            1139 @@ R @@ rule @@ {action: Allow, protocol: TCP, destination: {notPorts: ["200:100"]}} @@ should reject Rule with invalid dest !ports and protocol type tcp
            1147 @@ R @@ rule @@ {action: Allow, protocol: TCP, destination: {notPorts: ["0:100"]}} @@ should reject Rule with one invalid port in the port range (MinPort 0)
            1155 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {nets: [1.2.3.0/26]}, destination: {nets: ["aabb:aabb::0000/122"]}} @@ should reject rule mixed IPv4 (src) and IPv6 (dest)
            1166 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {nets: ["aabb:aabb::/128"]}, destination: {nets: [1.2.0.0/32]}} @@ should reject rule mixed IPv6 (src) and IPv4 (dest)
            1177 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 6, source: {nets: [1.0.0.0/10]}, destination: {nets: [1.2.0.0/32]}} @@ should reject rule mixed IPv6 version and IPv4 Net
            1189 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 6, source: {nets: [1.2.3.4/32]}} @@ should reject rule mixed IPVersion and Source Net IP version
            1198 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 4, destination: {nets: ["aabb:aabb::ffff/128"]}} @@ should reject rule mixed IPVersion and Dest Net IP version
            1207 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {nets: [1.2.3.0/26]}, destination: {nets: ["aabb:aabb::0000/122"]}} @@ net list: should reject rule mixed IPv4 (src) and IPv6 (dest)
            1218 @@ R @@ rule @@ {action: Allow, protocol: TCP, source: {nets: ["aabb:aabb::/128"]}, destination: {nets: [1.2.0.0/32]}} @@ net list: should reject rule mixed IPv6 (src) and IPv4 (dest)
            1229 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 6, source: {nets: [1.0.0.0/10]}, destination: {nets: [1.2.0.0/32]}} @@ net list: should reject rule mixed IPv6 version and IPv4 Net
            1241 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 6, source: {nets: [1.0.0.0/10]}, destination: {notNets: [1.2.0.0/32]}} @@ net list: should reject rule mixed IPv6 version and IPv4 Net
            1253 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 6, source: {nets: [1.2.3.4/32]}} @@ net list: should reject rule mixed IPVersion and Source Net IP version
            1262 @@ R @@ rule @@ {action: Allow, protocol: TCP, ipVersion: 4, destination: {nets: ["aabb:aabb::ffff/128"]}} @@ net list: should reject rule mixed IPVersion and Dest Net IP version
            1271 @@ R @@ rule @@ {action: Allow, protocol: ICMPv6, ipVersion: 4} @@ should reject rule with an IPv6 protocol and an IPVersion=4
            1277 @@ R @@ rule @@ {action: Allow, protocol: ICMP, ipVersion: 6} @@ should reject rule with an IPv4 protocol and an IPVersion=6
            1283 @@ A @@ rule @@ {action: Allow, http: {methods: [GET]}} @@ should accept Allow rule with HTTP clause
            1288 @@ R @@ rule @@ {action: Deny, http: {methods: [GET]}} @@ should reject Deny rule with HTTP clause
            1293 @@ R @@ rule @@ {action: Allow, protocol: UDP, http: {methods: [GET]}} @@ should reject non-TCP protocol with HTTP clause
            1299 @@ A @@ rule @@ {action: Allow, protocol: TCP, http: {methods: [GET]}} @@ should accept TCP protocol with HTTP clause
            1305 @@ A @@ rule @@ {action: Allow, http: {methods: [GET]}} @@ should accept missing protocol with HTTP clause
            1310 @@ A @@ rule @@ {action: Allow, metadata: {annotations: {foo: bar}}} @@ should accept Rule with valid annotations
            1315 @@ R @@ rule @@ {action: Allow, metadata: {annotations: {"...": bar}}} @@ should reject Rule with invalid annotations
            1322 @@ A @@ peer @@ {peerIP: 1.2.3.4} @@ should accept valid BGPPeerSpec
            1323 @@ R @@ peer @@ {peerIP: 999.999.999.999} @@ should reject invalid BGPPeerSpec (IPv4)
            1324 @@ R @@ peer @@ {peerIP: "xyz:::"} @@ should reject invalid BGPPeerSpec (IPv6)
            1325 @@ R @@ peer @@ {node: my-node, nodeSelector: has(mylabel)} @@ should reject BGPPeerSpec with both Node and NodeSelector
            1329 @@ R @@ peer @@ {peerIP: 1.2.3.4, peerSelector: has(mylabel)} @@ should reject BGPPeerSpec with both PeerIP and PeerSelector
            1333 @@ R @@ peer @@ {asNumber: 61234, peerSelector: has(mylabel)} @@ should reject BGPPeerSpec with both ASNumber and PeerSelector
            1337 @@ A @@ peer @@ {nodeSelector: has(mylabel), peerSelector: has(mylabel)} @@ should accept BGPPeerSpec with NodeSelector and PeerSelector
            1341 @@ A @@ peer @@ {peerIP: 1.2.3.4, password: {secretKeyRef: {name: tigera-bgp-passwords, key: my-peering}}} @@ should accept BGPPeerSpec with Password
            1350 @@ R @@ peer @@ {nodeSelector: "kubernetes.io/hostname: == 'casey-crc-kadm-node-4'"} @@ should reject invalid BGPPeerSpec (selector)
            1353 @@ A @@ peer @@ {peerIP: "192.168.1.1:500"} @@ should accept BGPPeerSpec with port in PeerIP (IPv4)
            1356 @@ A @@ peer @@ {peerIP: "[9000::]:500"} @@ should accept BGPPeerSpec with port in PeerIP (IPv6)
            1359 @@ R @@ peer @@ {peerIP: "[192.168.0.0]:98956"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv4)
            1362 @@ R @@ peer @@ {peerIP: "192.168.0.0:65536"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv4)
            1365 @@ R @@ peer @@ {peerIP: "192.168.0.0:0"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv4)
            1368 @@ R @@ peer @@ {peerIP: "192.168.0.330:170"} @@ should reject BGPPeerSpec with invalid IP in PeerIP (IPv4)
            1371 @@ R @@ peer @@ {peerIP: "[9000::]:98956"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv6)
            1374 @@ R @@ peer @@ {peerIP: "192.168.0.0:"} @@ should reject invalid BGPPeerSpec without port set in PeerIP (IPv4)
            1377 @@ R @@ peer @@ {peerIP: "[9000::]:"} @@ should reject invalid BGPPeerSpec without port set in PeerIP (IPv6)
            1380 @@ R @@ peer @@ {peerIP: "[9000::]:65536"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv6)
            1383 @@ R @@ peer @@ {peerIP: "[9000::]:0"} @@ should reject BGPPeerSpec with invalid port in PeerIP (IPv6)
            1386 @@ R @@ peer @@ {peerIP: "[9000::FFFFF]:170"} @@ should reject BGPPeerSpec with invalid IP in PeerIP (IPv6)
            1389 @@ R @@ peer @@ {peerIP: ":8552"} @@ should reject invalid BGPPeerSpec when port is set with empty IP in PeerIP (IPv4)
            1392 @@ R @@ peer @@ {peerIP: "[]:8552"} @@ should reject invalid BGPPeerSpec when port is set with empty IP in PeerIP (IPv6)
            1397 @@ A @@ peer @@ {sourceAddress: UseNodeIP} @@ BGPPeer with valid SourceAddress UseNodeIP
            1400 @@ A @@ peer @@ {sourceAddress: None} @@ BGPPeer with valid SourceAddress None
            1403 @@ R @@ peer @@ {sourceAddress: rubbish} @@ BGPPeer with invalid SourceAddress
            1408 @@ A @@ node @@ {bgp: {ipv4Address: 1.2.3.4/32}} @@ should accept node with IPv4 BGP
            1409 @@ A @@ node @@ {bgp: {ipv6Address: "aabb:aabb::ffff/128"}} @@ should accept node with IPv6 BGP
            1410 @@ A @@ node @@ {bgp: {ipv4IPIPTunnelAddr: 10.0.0.1}} @@ should accept node with tunnel IP in BGP
            1411 @@ A @@ node @@ {} @@ should accept node with no BGP
            1412 @@ R @@ node @@ {bgp: {}} @@ should reject node with an empty BGP
            1413 @@ R @@ node @@ {bgp: {ipv4Address: "aabb:aabb::ffff/128"}} @@ should reject node with IPv6 address in IPv4 field
            1414 @@ R @@ node @@ {bgp: {ipv6Address: 1.2.3.4/32}} @@ should reject node with IPv4 address in IPv6 field
            1415 @@ R @@ node @@ {bgp: {ipv4Address: 1.2.3.4/32, routeReflectorClusterID: abcdef}} @@ should reject node with bad RR cluster ID #1
            1419 @@ R @@ node @@ {bgp: {ipv4Address: 1.2.3.4/32, routeReflectorClusterID: 300.34.3.1}} @@ should reject node with bad RR cluster ID #2
            1423 @@ A @@ node @@ {bgp: {ipv4Address: 1.2.3.4/32, routeReflectorClusterID: 245.0.0.1}} @@ should accept node with good RR cluster ID
            1429 @@ A @@ status @@ {wireguardPublicKey: jlkVyQYooZYzI2wFfNhSZez5eWh44yfq1wKVjLvSXgY=} @@ should allow valid Wireguard public-key
            1432 @@ A @@ node @@ {wireguard: {interfaceIPv4Address: 1.2.3.4}} @@ should allow valid IP address on Wireguard config
            1435 @@ R @@ node @@ {wireguard: {interfaceIPv4Address: foo.bar}} @@ should reject invalid IP address on Wireguard config
            1438 @@ R @@ status @@ {wireguardPublicKey: foobar} @@ should reject invalid Wireguard public-key
            1450 @@ R @@ gnpname @@ t~!s.h.i.ng @@ disallow name with invalid character
            1451 @@ R @@ gnpname @@ tHiNg @@ disallow name with mixed case characters
            1452 @@ A @@ gnpname @@ thing @@ allow valid name
            1453 @@ R @@ gnpname @@ knp.default.thing @@ disallow k8s policy name
            1454 @@ R @@ gnpname @@ t.h.i.ng @@ disallow name with dot
            1455 @@ R @@ gnp @@ {preDNAT: true, doNotTrack: true, applyOnForward: true} @@ should reject GlobalNetworkPolicy with both PreDNAT and DoNotTrack
            1465 @@ A @@ gnp @@ {preDNAT: true, applyOnForward: true} @@ should accept GlobalNetworkPolicy PreDNAT but not DoNotTrack
            1474 @@ A @@ gnp @@ {preDNAT: false, doNotTrack: true, applyOnForward: true} @@ should accept GlobalNetworkPolicy DoNotTrack but not PreDNAT
            1484 @@ R @@ gnp @@ {preDNAT: true, applyOnForward: true, egress: [{action: Allow}]} @@ should reject pre-DNAT GlobalNetworkPolicy egress rules
            1494 @@ A @@ gnp @@ {preDNAT: true, applyOnForward: true, ingress: [{action: Allow}]} @@ should accept pre-DNAT GlobalNetworkPolicy ingress rules
            1506 @@ A @@ gnp @@ {preDNAT: false, applyOnForward: true} @@ should accept GlobalNetworkPolicy ApplyOnForward but not PreDNAT
            1515 @@ A @@ gnp @@ {doNotTrack: false, applyOnForward: true} @@ should accept GlobalNetworkPolicy ApplyOnForward but not DoNotTrack
            1524 @@ A @@ gnp @@ {preDNAT: true, applyOnForward: true} @@ should accept GlobalNetworkPolicy ApplyOnForward and PreDNAT
            1533 @@ A @@ gnp @@ {doNotTrack: true, applyOnForward: true} @@ should accept GlobalNetworkPolicy ApplyOnForward and DoNotTrack
            1542 @@ A @@ gnp @@ {preDNAT: false, doNotTrack: false, applyOnForward: false} @@ should accept GlobalNetworkPolicy no ApplyOnForward DoNotTrack PreDNAT
            1552 @@ R @@ gnp @@ {preDNAT: true, applyOnForward: false} @@ should reject GlobalNetworkPolicy PreDNAT but not ApplyOnForward
            1561 @@ R @@ gnp @@ {doNotTrack: true, applyOnForward: false} @@ should reject GlobalNetworkPolicy DoNotTrack but not ApplyOnForward
            1572 @@ A @@ gnp @@ {} @@ allow missing Types
            1578 @@ A @@ gnp @@ {types: []} @@ allow empty Types
            1586 @@ A @@ gnp @@ {types: [Ingress]} @@ allow ingress Types
            1594 @@ A @@ gnp @@ {types: [Egress]} @@ allow egress Types
            1602 @@ A @@ gnp @@ {types: [Ingress, Egress]} @@ allow ingress+egress Types
            1610 @@ R @@ gnp @@ {types: [Egress, Egress]} @@ disallow repeated egress Types
            1618 @@ R @@ gnp @@ {types: [unexpected]} @@ disallow unexpected value
            1627 @@ A @@ gnp @@ {ingress: [{action: Allow}], types: [Egress]} @@ allow Types without ingress when Ingress present (gnp)
            1636 @@ A @@ gnp @@ {egress: [{action: Allow}], types: [Ingress]} @@ allow Types without egress when Egress present (gnp)
            1645 @@ A @@ gnp @@ {ingress: [{action: Allow}], types: [Ingress]} @@ allow Types with ingress when Ingress present (gnp)
            1654 @@ A @@ gnp @@ {ingress: [{action: Allow}], types: [Ingress, Egress]} @@ allow Types with ingress+egress when Ingress present (gnp)
            1663 @@ A @@ gnp @@ {egress: [{action: Allow}], types: [Egress]} @@ allow Types with egress when Egress present (gnp)
            1672 @@ A @@ gnp @@ {egress: [{action: Allow}], types: [Ingress, Egress]} @@ allow Types with ingress+egress when Egress present (gnp)
            1681 @@ A @@ gnp @@ {preDNAT: true, applyOnForward: true, types: [Ingress]} @@ allow ingress Types with pre-DNAT (gnp)
            1691 @@ R @@ gnp @@ {preDNAT: true, applyOnForward: true, types: [Egress]} @@ disallow egress Types with pre-DNAT (gnp)
            1701 @@ R @@ gnp @@ {preDNAT: true, applyOnForward: true, types: [Ingress, Egress]} @@ disallow ingress+egress Types with pre-DNAT (gnp)
            1711 @@ R @@ gnp @@ {egress: [{action: Allow, http: {methods: [GET]}}], types: [Ingress, Egress]} @@ disallow HTTP in egress rule
            1720 @@ R @@ gnp @@ {namespaceSelector: global()} @@ disallow global() in namespaceSelector field
            1728 @@ R @@ gnp @@ {selector: global()} @@ disallow global() in selector field
            1736 @@ R @@ gnp @@ {serviceAccountSelector: global()} @@ disallow global() in serviceAccountSelector field
            1744 @@ R @@ gnp @@ {ingress: [{action: Allow, source: {selector: global()}}]} @@ disallow global() in EntityRule selector field
            1759 @@ A @@ gnp @@ {ingress: [{action: Allow, source: {namespaceSelector: global()}, destination: {namespaceSelector: "projectcalico.org/name == 'test'"}}]} @@ allow global() and projectcalico.org/name in EntityRule namespaceSelector field
            1779 @@ A @@ npname @@ thing @@ allow valid name
            1780 @@ R @@ npname @@ t.h.i.ng @@ disallow name with dot
            1781 @@ R @@ npname @@ tHiNg @@ disallow name with mixed case
            1782 @@ A @@ npname @@ ${x253} @@ allow valid name of 253 chars
            1783 @@ R @@ npname @@ ${x254} @@ disallow a name of 254 chars
            1784 @@ A @@ npname @@ knp.default.thing @@ allow k8s policy name
            1785 @@ A @@ np @@ {} @@ allow missing Types
            1791 @@ A @@ np @@ {types: []} @@ allow empty Types
            1799 @@ A @@ np @@ {types: [Ingress]} @@ allow ingress Types
            1807 @@ A @@ np @@ {types: [Egress]} @@ allow egress Types
            1815 @@ A @@ np @@ {types: [Ingress, Egress]} @@ allow ingress+egress Types
            1823 @@ R @@ np @@ {types: [Egress, Egress]} @@ disallow repeated egress Types
            1831 @@ R @@ np @@ {types: [unexpected]} @@ disallow unexpected value
            1845 @@ A @@ np @@ {ingress: [{action: Allow}], types: [Egress]} @@ allow Types without ingress when Ingress present
            1854 @@ A @@ np @@ {egress: [{action: Allow}], types: [Ingress]} @@ allow Types without egress when Egress present
            1863 @@ A @@ np @@ {ingress: [{action: Allow}], types: [Ingress]} @@ allow Types with ingress when Ingress present
            1872 @@ A @@ np @@ {ingress: [{action: Allow}], types: [Ingress, Egress]} @@ allow Types with ingress+egress when Ingress present
            1881 @@ A @@ np @@ {egress: [{action: Allow}], types: [Egress]} @@ allow Types with egress when Egress present
            1890 @@ A @@ np @@ {egress: [{action: Allow}], types: [Ingress, Egress]} @@ allow Types with ingress+egress when Egress present
            1899 @@ R @@ np @@ {egress: [{action: Allow, http: {methods: [GET]}}], types: [Ingress, Egress]} @@ disallow HTTP in egress rule
            1908 @@ R @@ np @@ {selector: global()} @@ disallow global() in selector field
            1916 @@ R @@ np @@ {serviceAccountSelector: global()} @@ disallow global() in serviceAccountSelector field
            1924 @@ A @@ np @@ {ingress: [{action: Allow, source: {namespaceSelector: global()}, destination: {namespaceSelector: "projectcalico.org/name == 'test'"}}]} @@ allow global() and projectcalico.org/name in EntityRule namespaceSelector field
            1944 @@ R @@ entity @@ {selector: "  global()  "} @@ disallow global() in EntityRule selector field
            1949 @@ A @@ entity @@ {namespaceSelector: "  global()  "} @@ allow global() in EntityRule namespaceSelector field
            1954 @@ R @@ entity @@ {namespaceSelector: " global() && all()"} @@ disallow global() in EntityRule namespaceSelector field AND'd with other expressions
            1959 @@ R @@ entity @@ {namespaceSelector: "global()||all()"} @@ disallow global() in EntityRule namespaceSelector field OR'd other expressions
            1964 @@ R @@ entity @@ {selector: "global() && bad"} @@ disallow bad selectors in EntityRule selector field
            1969 @@ A @@ http @@ {paths: [{exact: /foo}, {prefix: /bar}]} @@ allow HTTP Path with permitted match clauses
            1973 @@ R @@ http @@ {paths: [{exact: /foo, prefix: /bar}, {prefix: /bar}]} @@ disallow HTTP Path with invalid match clauses
            1977 @@ R @@ http @@ {paths: [{exact: "/fo?o"}]} @@ disallow HTTP Path with invalid match clauses
            1981 @@ R @@ http @@ {paths: [{exact: "/fo o"}]} @@ disallow HTTP Path with invalid match clauses
            1985 @@ R @@ http @@ {paths: [{exact: "/f#oo"}]} @@ disallow HTTP Path with invalid match clauses
            1989 @@ R @@ http @@ {paths: [{exact: "/fo#!?o"}]} @@ disallow HTTP Path with invalid match clauses
            1993 @@ R @@ http @@ {paths: [{}]} @@ disallow HTTP Path with empty match clauses
            1997 @@ R @@ http @@ {methods: [GET, GET, Foo]} @@ disallow HTTP Method with duplicate match clause
            2111 @@ R @@ bgpc @@ {communities: [{name: community-test, value: "101:5695"}]} @@ should not accept community when PrefixAdvertisement is empty
            2114 @@ R @@ bgpc @@ {communities: [{value: "536:785"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with value and without name
            2118 @@ R @@ bgpc @@ {communities: [{name: community-test}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with name and without value
            2122 @@ A @@ bgpc @@ {communities: [{name: community-test, value: "100:520"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should accept communities with name and standard BGP community value
            2126 @@ A @@ bgpc @@ {communities: [{name: community-test, value: "100:520:56"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should accept communities with name and large BGP community value
            2130 @@ R @@ bgpc @@ {communities: [{name: community-test, value: "100"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with name and invalid community value/format
            2134 @@ R @@ bgpc @@ {communities: [{name: community-test, value: ab-n}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with name and invalid community value/format
            2138 @@ R @@ bgpc @@ {communities: [{name: community-test, value: "65536:999999"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with name and invalid standard community value(> 16 bit)
            2142 @@ R @@ bgpc @@ {communities: [{name: community-test, value: "4147483647:999999"}], prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:100"]}]} @@ should not accept communities with name and invalid large community value(> 32 bit)
            2146 @@ R @@ bgpc @@ {prefixAdvertisements: [{communities: ["100:5964"]}]} @@ should not accept communities without CIDR in PrefixAdvertisement
            2149 @@ R @@ bgpc @@ {prefixAdvertisements: [{cidr: 192.168.10.0/28}]} @@ should not accept CIDR without communities in PrefixAdvertisement
            2152 @@ A @@ bgpc @@ {prefixAdvertisements: [{cidr: 192.168.10.0/28, communities: ["100:5964:50"]}]} @@ should accept IPv4 CIDR in PrefixAdvertisement
            2155 @@ A @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:5964:50"]}]} @@ should accept IPv6 CIDR in PrefixAdvertisement
            2158 @@ A @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:5964", "200:594"]}]} @@ should accept standard BGP community value in PrefixAdvertisement
            2161 @@ A @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:5964:1147483647"]}]} @@ should accept large BGP community value in PrefixAdvertisement
            2164 @@ R @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:1147483647"]}]} @@ should not accept invalid standard community value(> 16 bit) in PrefixAdvertisement
            2167 @@ R @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:100:5147483647"]}]} @@ should not accept invalid large community value(> 32 bit) in PrefixAdvertisement
            2170 @@ A @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: ["100:5964:1147483647", "100:5223"]}]} @@ should accept combination of large and standard BGP community value in PrefixAdvertisement
            2173 @@ R @@ bgpc @@ {prefixAdvertisements: [{cidr: "2001:4860::/128", communities: [non-existent-community]}]} @@ should not accept community name that is not defined
            2176 @@ A @@ bgpc @@ {communities: [{name: community-test, value: "101:5695"}], prefixAdvertisements: [{cidr: "2001:4860::/128", communities: [community-test, "8988:202"]}]} @@ should accept community name whose values are defined
            """;

    private static final Pattern REPEAT = Pattern.compile("\\$\\{x(\\d+)}");

    static Stream<Arguments> cases() {
        return CASES.lines().filter(l -> !l.isBlank()).map(l -> {
            String[] f = l.split(" @@ ");
            if (f.length != 5 || !BUILDERS.containsKey(f[2])) {
                throw new IllegalStateException("bad case line: " + l);
            }
            Matcher m = REPEAT.matcher(f[3]);
            String yaml = m.replaceAll(r -> "x".repeat(Integer.parseInt(r.group(1))));
            return Arguments.of(f[0] + " " + f[4], f[1].equals("A"), BUILDERS.get(f[2]).formatted(yaml));
        });
    }

    /** validator_test.go DescribeTable "Validator errors" (line 98): Calico's reason is in Tabby's message. */
    @org.junit.jupiter.api.Test
    void calicosErrorTextIsInTheRefusal() {
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read(BUILDERS.get("rule")
                .formatted("{action: Allow, protocol: TCP, destination: {notPorts: [\"0:456\"]}}")));
        assertTrue(e.problems().get(0).endsWith("spec.ingress[0].destination.notPorts[0]: 0:456 is not a valid port;"
                + " allowed: 1..65535, a range \"min:max\", or a named port (Calico: port range invalid, port number must"
                + " be between 1 and 65535)"), e.problems().get(0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void tabbyDecidesAsCalicoDoes(String calicoCase, boolean calicoAccepts, String manifest) {
        String known = KNOWN_DIFFERENCES.get(calicoCase.substring(0, calicoCase.indexOf(' ')));
        if (known != null) {
            boolean tabbyAccepts;
            try {
                ResourceCodec.read(manifest);
                tabbyAccepts = true;
            } catch (ManifestException e) {
                tabbyAccepts = false;
            }
            assertEquals(!calicoAccepts, tabbyAccepts, "a known difference is gone; remove it from KNOWN_DIFFERENCES: "
                    + known);
            return;
        }
        if (calicoAccepts) {
            try {
                assertEquals(1, ResourceCodec.read(manifest).resources().size());
            } catch (ManifestException e) {
                fail("Calico accepts it, Tabby refused it: " + e.problems() + "\n" + manifest);
            }
        } else {
            ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read(manifest),
                    () -> "Calico refuses it, Tabby accepted it:\n" + manifest);
            assertTrue(e.problems().stream().allMatch(p -> p.startsWith("document 1")), e.problems().toString());
        }
    }
}
