package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind's field set is v3.18's, both ways: each JSON field name of the v3.18 Go structs (libcalico-go
 * release-v3.18 lib/apis/v3/*.go, cited per row) is a field Tabby's record reads, and Tabby's record reads no other.
 * FelixConfiguration's 92 fields are FelixConfigurationTest's; ObjectMeta's are KubernetesMetadataTest's.
 * Then each kind written with every field set (src/test/resources/full) is read, and read again from what Tabby
 * writes, with the same tree.
 */
class FieldTableTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Tabby's type, and the JSON names of the v3.18 struct it stands for. */
    private static final Map<Class<?>, String> TABLE = new LinkedHashMap<>();

    private static void row(Class<?> type, String goStruct, String... fields) {
        TABLE.put(type, goStruct + ": " + String.join(",", fields));
    }

    static {
        // The resources themselves: TypeMeta (apiVersion, kind: the codec's), ObjectMeta, spec (and Node's status).
        for (Class<?> kind : new Class<?>[] {BGPConfiguration.class, BGPPeer.class, ClusterInformation.class,
                GlobalNetworkPolicy.class, GlobalNetworkSet.class, HostEndpoint.class, IPPool.class, NetworkPolicy.class,
                NetworkSet.class, Profile.class, WorkloadEndpoint.class, FelixConfiguration.class}) {
            row(kind, "lib/apis/v3/*.go " + kind.getSimpleName(), "metadata", "spec");
        }
        row(Node.class, "lib/apis/v3/node.go Node", "metadata", "spec", "status");

        row(BGPConfiguration.Spec.class, "lib/apis/v3/bgpconfig.go BGPConfigurationSpec", "logSeverityScreen",
                "nodeToNodeMeshEnabled", "asNumber", "serviceLoadBalancerIPs", "serviceExternalIPs",
                "serviceClusterIPs", "communities", "prefixAdvertisements", "listenPort");
        row(BGPConfiguration.ServiceIP.class,
                "lib/apis/v3/bgpconfig.go ServiceLoadBalancerIPBlock, ServiceExternalIPBlock, ServiceClusterIPBlock", "cidr");
        row(BGPConfiguration.Community.class, "lib/apis/v3/bgpconfig.go Community", "name", "value");
        row(BGPConfiguration.PrefixAdvertisement.class, "lib/apis/v3/bgpconfig.go PrefixAdvertisement", "cidr",
                "communities");

        row(BGPPeer.Spec.class, "lib/apis/v3/bgppeer.go BGPPeerSpec", "node", "nodeSelector", "peerIP", "asNumber",
                "peerSelector", "keepOriginalNextHop", "password", "sourceAddress");
        row(BGPPeer.Password.class, "lib/apis/v3/bgppeer.go BGPPassword", "secretKeyRef");
        row(BGPPeer.SecretKeyRef.class, "k8s.io/api core/v1 SecretKeySelector (LocalObjectReference inline)", "name",
                "key", "optional");

        row(ClusterInformation.Spec.class, "lib/apis/v3/clusterinfo.go ClusterInformationSpec", "clusterGUID",
                "clusterType", "calicoVersion", "datastoreReady", "variant");

        row(GlobalNetworkPolicy.Spec.class, "lib/apis/v3/globalnetworkpolicy.go GlobalNetworkPolicySpec", "order",
                "ingress", "egress", "selector", "types", "doNotTrack", "preDNAT", "applyOnForward",
                "serviceAccountSelector", "namespaceSelector");
        row(NetworkPolicy.Spec.class, "lib/apis/v3/networkpolicy.go NetworkPolicySpec", "order", "ingress", "egress",
                "selector", "types", "serviceAccountSelector");
        row(NetworkSetSpec.class, "lib/apis/v3/networkset.go NetworkSetSpec, globalnetworkset.go GlobalNetworkSetSpec",
                "nets");

        row(HostEndpoint.Spec.class, "lib/apis/v3/hostendpoint.go HostEndpointSpec", "node", "interfaceName",
                "expectedIPs", "profiles", "ports");
        row(EndpointPort.class, "lib/apis/v3/hostendpoint.go EndpointPort", "name", "protocol", "port");

        row(IPPool.Spec.class, "lib/apis/v3/ippool.go IPPoolSpec", "cidr", "vxlanMode", "ipipMode", "natOutgoing",
                "disabled", "blockSize", "nodeSelector", "ipip", "nat-outgoing");
        row(IPPool.IPIPConfiguration.class, "lib/apis/v1/ippool.go IPIPConfiguration", "enabled", "mode");

        row(Node.Spec.class, "lib/apis/v3/node.go NodeSpec", "bgp", "ipv4VXLANTunnelAddr", "vxlanTunnelMACAddr",
                "orchRefs", "wireguard", "addresses");
        row(Node.NodeAddress.class, "lib/apis/v3/node.go NodeAddress", "address");
        row(Node.Status.class, "lib/apis/v3/node.go NodeStatus", "wireguardPublicKey", "podCIDRs");
        row(Node.OrchRef.class, "lib/apis/v3/node.go OrchRef", "nodeName", "orchestrator");
        row(Node.BGP.class, "lib/apis/v3/node.go NodeBGPSpec", "asNumber", "ipv4Address", "ipv6Address",
                "ipv4IPIPTunnelAddr", "routeReflectorClusterID");
        row(Node.Wireguard.class, "lib/apis/v3/node.go NodeWireguardSpec", "interfaceIPv4Address");

        row(Profile.Spec.class, "lib/apis/v3/profile.go ProfileSpec", "ingress", "egress", "labelsToApply");

        row(WorkloadEndpoint.Spec.class, "lib/apis/v3/workloadendpoint.go WorkloadEndpointSpec", "orchestrator",
                "workload", "node", "containerID", "pod", "endpoint", "ipNetworks", "ipNATs", "ipv4Gateway",
                "ipv6Gateway", "profiles", "interfaceName", "mac", "ports");
        row(WorkloadEndpoint.IPNAT.class, "lib/apis/v3/workloadendpoint.go IPNAT", "internalIP", "externalIP");

        row(Rule.class, "lib/apis/v3/policy.go Rule", "action", "ipVersion", "protocol", "icmp", "notProtocol",
                "notICMP", "source", "destination", "http", "metadata");
        row(Rule.Icmp.class, "lib/apis/v3/policy.go ICMPFields", "type", "code");
        row(Rule.EntityRule.class, "lib/apis/v3/policy.go EntityRule", "nets", "selector", "namespaceSelector", "ports",
                "notNets", "notSelector", "notPorts", "serviceAccounts");
        row(Rule.ServiceAccounts.class, "lib/apis/v3/policy.go ServiceAccountMatch", "names", "selector");
        row(Rule.Http.class, "lib/apis/v3/policy.go HTTPMatch", "methods", "paths");
        row(Rule.PathMatch.class, "lib/apis/v3/policy.go HTTPPath", "exact", "prefix");
        row(Rule.Metadata.class, "lib/apis/v3/policy.go RuleMetadata", "annotations");
    }

    static Stream<Arguments> table() {
        return TABLE.entrySet().stream().map(e -> Arguments.of(e.getKey().getName().replace("dev.tabby.model.v3.", ""),
                e.getKey(), e.getValue()));
    }

    /** The JSON names Jackson reads into this type: what a manifest may say, since unknown fields are refused. */
    static Set<String> readable(Class<?> type) {
        BeanDescription d = MAPPER.getDeserializationConfig().introspect(MAPPER.constructType(type));
        Set<String> out = new TreeSet<>();
        for (BeanPropertyDefinition p : d.findProperties()) {
            if (p.couldDeserialize()) {
                out.add(p.getName());
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void tabbyReadsExactlyTheV318Fields(String name, Class<?> type, String row) {
        Set<String> v318 = new TreeSet<>(Set.of(row.substring(row.indexOf(": ") + 2).split(",")));
        Set<String> tabby = readable(type);
        Set<String> missing = new TreeSet<>(v318);
        missing.removeAll(tabby);
        Set<String> extra = new TreeSet<>(tabby);
        extra.removeAll(v318);
        assertTrue(missing.isEmpty() && extra.isEmpty(), () -> name + " (" + row.substring(0, row.indexOf(": "))
                + "): v3.18 fields Tabby does not read " + missing + ", fields Tabby reads that v3.18 has not " + extra);
    }

    @Test
    void everyNestedTypeOfEveryKindIsInTheTable() {
        // A record type reachable from a kind's record that the table does not list would escape the comparison.
        Set<Class<?>> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<Class<?>> todo = new java.util.ArrayDeque<>();
        for (Kind k : Kind.values()) {
            todo.add(k.type());
        }
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            // AsNumber, Port and Protocol are scalars in JSON (numorstring's types), not structs.
            boolean scalar = c == AsNumber.class || c == Port.class || c == Protocol.class;
            if (!seen.add(c) || !c.isRecord() || scalar || c == ObjectMeta.class || c == FelixConfiguration.class) {
                continue;
            }
            assertTrue(TABLE.containsKey(c), () -> c.getName() + " is reachable from a kind but not in the table");
            for (var rc : c.getRecordComponents()) {
                todo.add(rc.getType());
                if (rc.getGenericType() instanceof java.lang.reflect.ParameterizedType pt) {
                    for (var arg : pt.getActualTypeArguments()) {
                        if (arg instanceof Class<?> ac) {
                            todo.add(ac);
                        }
                    }
                }
            }
        }
    }

    static Stream<String> fullManifests() {
        return Stream.of("bgpconfiguration", "bgppeer", "clusterinformation", "globalnetworkpolicy", "globalnetworkset",
                "hostendpoint", "ippool", "networkpolicy", "networkset", "node", "profile", "workloadendpoint");
    }

    static String load(String dir, String name) throws IOException {
        try (InputStream in = FieldTableTest.class.getResourceAsStream("/" + dir + "/" + name + ".yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Each kind with every field set is accepted without a warning, keeps every field (even those Tabby does not act
     * on), and reads back from Tabby's own YAML, JSON and stored value as the same tree.
     */
    @ParameterizedTest
    @MethodSource("fullManifests")
    void everyFieldSetIsKeptAndRoundTrips(String name) throws IOException {
        String text = load("full", name);
        Manifest m = ResourceCodec.read(text);
        assertTrue(m.warnings().isEmpty(), () -> "warnings: " + m.warnings());
        Iterator<JsonNode> given = yamlDocuments(text);
        for (var r : m.resources()) {
            JsonNode written = ResourceCodec.toTree(r);
            JsonNode input = given.next();
            assertEquals(fieldPaths(input), fieldPaths(written), name + ": every field given is written back");
            assertEquals(written, ResourceCodec.toTree(ResourceCodec.read(ResourceCodec.toYaml(written)).resources().get(0)));
            assertEquals(written, ResourceCodec.toTree(ResourceCodec.read(ResourceCodec.toJson(written)).resources().get(0)));
            var stored = ResourceCodec.fromStoredValue(r.kind(), ResourceCodec.toStoredValue(r), 3, "/k");
            assertEquals(r, stored.withMetadata(stored.metadata().withResourceVersion(null)));
        }
    }

    private static Iterator<JsonNode> yamlDocuments(String text) throws IOException {
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        return yaml.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll().iterator();
    }

    /** Every field path in a tree (list elements by index), so that a dropped field shows by name. */
    private static Set<String> fieldPaths(JsonNode n) {
        Set<String> out = new TreeSet<>();
        collect("", n, out);
        out.remove("metadata.namespace"); // the codec fills it in for namespaced kinds
        return out;
    }

    private static void collect(String at, JsonNode n, Set<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                String p = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
                out.add(p);
                collect(p, e.getValue(), out);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                collect(at + "[" + i + "]", n.get(i), out);
            }
        }
    }

    @Test
    void aFieldOfALaterReleaseIsRefusedByName() {
        // hostPort/hostIP joined EndpointPort after v3.18; so did WorkloadEndpoint's serviceAccountName and
        // allowSpoofedSourcePrefixes.
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: h1}
                spec:
                  node: n1
                  interfaceName: eth0
                  ports: [{name: web, protocol: TCP, port: 80, hostPort: 8080}]
                """));
        assertTrue(e.problems().get(0).contains("unknown field \"hostPort\""), e.problems().toString());
        e = assertThrows(ManifestException.class, () -> ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: w1}
                spec: {node: n1, interfaceName: cali1, allowSpoofedSourcePrefixes: [10.0.0.0/8]}
                """));
        assertTrue(e.problems().get(0).contains("unknown field \"allowSpoofedSourcePrefixes\""), e.problems().toString());
    }

    @Test
    void theApiV1PoolFieldsAreReadOnlyAsCalicoKeepsThem() {
        // ippool.go: ipip "mustBeNil", nat-outgoing "mustBeFalse"; absent or false they are accepted and, as Go's
        // omitempty does, not written back.
        IPPool p = (IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.0.0.0/16, nat-outgoing: false}
                """).resources().get(0);
        assertFalse(ResourceCodec.toTree(p).path("spec").has("nat-outgoing"));
        assertThrows(ManifestException.class, () -> ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.0.0.0/16, nat-outgoing: true}
                """));
        assertThrows(ManifestException.class, () -> ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.0.0.0/16, ipip: {enabled: true, mode: always}}
                """));
    }
}
