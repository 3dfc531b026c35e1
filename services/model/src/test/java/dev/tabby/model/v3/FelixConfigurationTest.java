package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.model.codec.Manifest;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.validation.Problem;
import dev.tabby.model.validation.Problems;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FelixConfigurationTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    /** Every v3.18 field, each set to a valid value that needs no normalising. */
    private static final String FULL = """
            {
              "useInternalDataplaneDriver": true,
              "dataplaneDriver": "calico-iptables-plugin",
              "ipv6Support": false,
              "routeRefreshInterval": "90s",
              "interfaceRefreshInterval": "1m30s",
              "iptablesRefreshInterval": "10s",
              "iptablesPostWriteCheckInterval": "1s",
              "iptablesLockFilePath": "/run/xtables.lock",
              "iptablesLockTimeout": "0",
              "iptablesLockProbeInterval": "50ms",
              "featureDetectOverride": "SNATFullyRandom=true,MASQFullyRandom=false,RestoreSupportsLock=",
              "ipsetsRefreshInterval": "1m",
              "maxIpsetSize": 1048576,
              "iptablesBackend": "NFT",
              "xdpRefreshInterval": "2m",
              "netlinkTimeout": "10s",
              "metadataAddr": "127.0.0.1",
              "metadataPort": 8775,
              "openstackRegion": "region-one",
              "interfacePrefix": "cali",
              "interfaceExclude": "kube-ipvs0,/^veth/",
              "chainInsertMode": "Append",
              "defaultEndpointToHostAction": "Return",
              "iptablesFilterAllowAction": "Return",
              "iptablesMangleAllowAction": "Accept",
              "logPrefix": "calico-packet",
              "logFilePath": "/var/log/calico/felix.log",
              "logSeverityFile": "Warning",
              "logSeverityScreen": "Info",
              "logSeveritySys": "Error",
              "ipipEnabled": true,
              "ipipMTU": 1440,
              "vxlanEnabled": false,
              "vxlanMTU": 1410,
              "vxlanPort": 4789,
              "vxlanVNI": 4096,
              "allowVXLANPacketsFromWorkloads": false,
              "allowIPIPPacketsFromWorkloads": true,
              "reportingInterval": "30s",
              "reportingTTL": "90s",
              "endpointReportingEnabled": true,
              "endpointReportingDelay": "1s",
              "iptablesMarkMask": 4294901760,
              "disableConntrackInvalidCheck": false,
              "healthEnabled": true,
              "healthHost": "localhost",
              "healthPort": 9099,
              "prometheusMetricsEnabled": true,
              "prometheusMetricsHost": "0.0.0.0",
              "prometheusMetricsPort": 9091,
              "prometheusGoMetricsEnabled": false,
              "prometheusProcessMetricsEnabled": true,
              "failsafeInboundHostPorts": [
                {"protocol": "TCP", "port": 22},
                {"protocol": "UDP", "port": 68, "net": "10.0.0.0/8"}
              ],
              "failsafeOutboundHostPorts": [
                {"protocol": "SCTP", "port": 9000, "net": "fd00::/64"}
              ],
              "kubeNodePortRanges": ["30000:32767", 8080],
              "policySyncPathPrefix": "/var/run/nodeagent",
              "usageReportingEnabled": false,
              "usageReportingInitialDelay": "300s",
              "usageReportingInterval": "24h",
              "natPortRange": "32768:65535",
              "natOutgoingAddress": "192.0.2.10",
              "deviceRouteSourceAddress": "192.0.2.11",
              "deviceRouteProtocol": 3,
              "removeExternalRoutes": true,
              "externalNodesList": ["198.51.100.0/24", "203.0.113.0/28"],
              "debugMemoryProfilePath": "/tmp/felix-mem.pprof",
              "debugDisableLogDropping": true,
              "debugSimulateCalcGraphHangAfter": "5m",
              "debugSimulateDataplaneHangAfter": "6m",
              "iptablesNATOutgoingInterfaceFilter": "eth+",
              "sidecarAccelerationEnabled": false,
              "xdpEnabled": true,
              "genericXDPEnabled": false,
              "bpfEnabled": true,
              "bpfDisableUnprivileged": true,
              "bpfLogLevel": "Off",
              "bpfDataIfacePattern": "^(en.*|eth.*|tunl0$)",
              "bpfConnectTimeLoadBalancingEnabled": true,
              "bpfExternalServiceMode": "DSR",
              "bpfKubeProxyIptablesCleanupEnabled": false,
              "bpfKubeProxyMinSyncPeriod": "1.5s",
              "bpfKubeProxyEndpointSlicesEnabled": true,
              "routeSource": "WorkloadIPs",
              "routeTableRange": {"min": 1, "max": 250},
              "wireguardEnabled": true,
              "wireguardListeningPort": 51820,
              "wireguardRoutingRulePriority": 99,
              "wireguardInterfaceName": "wireguard.cali",
              "wireguardMTU": 1420,
              "awsSrcDstCheck": "Disable",
              "serviceLoopPrevention": "Reject",
              "mtuIfacePattern": "^((en|wl|ww|sl|ib)[opsx].*|(eth|wlan|wwan).*)"
            }
            """;

    private static FelixConfiguration.Spec spec(String json) {
        try {
            return JSON.readValue(json, FelixConfiguration.Spec.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("test JSON did not parse: " + e.getMessage(), e);
        }
    }

    /** The full spec with one field replaced (or added) by the given JSON value. */
    private static FelixConfiguration.Spec fullWith(String field, String jsonValue) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(FULL);
            node.set(field, JSON.readTree(jsonValue));
            return JSON.treeToValue(node, FelixConfiguration.Spec.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("test JSON did not parse: " + e.getMessage(), e);
        }
    }

    private static FelixConfiguration resource(FelixConfiguration.Spec spec) {
        return new FelixConfiguration(ObjectMeta.named("default"), spec);
    }

    private static List<String> describe(List<Problem> problems) {
        List<String> out = new ArrayList<>();
        for (Problem p : problems) {
            out.add(p.toString());
        }
        return out;
    }

    @Test
    void everyV318FieldHasAComponentOfTheSameName() throws Exception {
        JsonNode full = JSON.readTree(FULL);
        TreeSet<String> jsonNames = new TreeSet<>();
        full.fieldNames().forEachRemaining(jsonNames::add);
        TreeSet<String> componentNames = new TreeSet<>();
        for (RecordComponent c : FelixConfiguration.Spec.class.getRecordComponents()) {
            componentNames.add(c.getName());
        }
        assertEquals(92, componentNames.size()); // libcalico-go release-v3.18 lib/apis/v3/felixconfig.go FelixConfigurationSpec
        assertEquals(componentNames, jsonNames);

        // Written back out, the spec has exactly the same fields and values.
        JsonNode written = JSON.valueToTree(spec(FULL));
        assertEquals(full, written);
    }

    @Test
    void fullValidSpecPassesUnchanged() {
        FelixConfiguration.Spec parsed = spec(FULL);
        Problems problems = new Problems();
        FelixConfiguration out = resource(parsed).validated(problems.at("spec"));

        assertEquals(List.of(), describe(problems.all()));
        assertEquals(parsed, out.spec());
        assertEquals("default", out.name());
        assertEquals(4294901760L, out.spec().iptablesMarkMask());
        assertEquals(Port.range(30000, 32767), out.spec().kubeNodePortRanges().get(0));
        assertEquals(Port.number(8080), out.spec().kubeNodePortRanges().get(1));
        assertEquals(new FelixConfiguration.ProtoPort("UDP", 68, "10.0.0.0/8"),
                out.spec().failsafeInboundHostPorts().get(1));
        assertEquals(new FelixConfiguration.RouteTableRange(1, 250), out.spec().routeTableRange());
    }

    @Test
    void emptySpecStaysEmpty() throws Exception {
        Problems problems = new Problems();
        FelixConfiguration out = resource(spec("{}")).validated(problems.at("spec"));

        assertEquals(List.of(), describe(problems.all()));
        assertEquals(FelixConfiguration.Spec.empty(), out.spec());
        for (RecordComponent c : FelixConfiguration.Spec.class.getRecordComponents()) {
            assertNull(c.getAccessor().invoke(out.spec()), c.getName() + " was given a default");
        }
        assertEquals("{}", JSON.writeValueAsString(out.spec()));
    }

    @Test
    void missingSpecBecomesAnEmptyOne() {
        Problems problems = new Problems();
        FelixConfiguration out = resource(null).validated(problems.at("spec"));
        assertEquals(List.of(), describe(problems.all()));
        assertNotNull(out.spec());
        assertEquals(FelixConfiguration.Spec.empty(), out.spec());
    }

    @Test
    void oneFieldSetLeavesEveryOtherFieldUnset() throws Exception {
        Problems problems = new Problems();
        FelixConfiguration out = resource(spec("{\"logSeverityScreen\": \"Debug\", \"ipipMTU\": 0}"))
                .validated(problems.at("spec"));
        assertEquals(List.of(), describe(problems.all()));
        JsonNode written = JSON.valueToTree(out.spec());
        List<String> names = new ArrayList<>();
        written.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("logSeverityScreen", "ipipMTU"), names);
        assertNull(out.spec().logSeverityFile());
        assertNull(out.spec().failsafeInboundHostPorts());
        assertNull(out.spec().routeTableRange());
    }

    @Test
    void emptyStringsAreUnsetAndNotChecked() {
        // Calico writes bpfLogLevel without omitempty, so "bpfLogLevel: ''" appears in its own output.
        Problems problems = new Problems();
        FelixConfiguration out = resource(spec("""
                {"bpfLogLevel": "", "logSeverityScreen": "", "routeRefreshInterval": "", "natOutgoingAddress": ""}
                """)).validated(problems.at("spec"));
        assertEquals(List.of(), describe(problems.all()));
        // "" and unset mean the same to Calico; the validated form keeps one of them.
        assertEquals(FelixConfiguration.Spec.empty(), out.spec());
    }

    @Test
    void unknownFieldsAreRefusedByTheMapping() {
        // A field from a later Calico release is not part of v3.18.
        assertThrows(UnrecognizedPropertyException.class,
                () -> JSON.readValue("{\"dataplaneWatchdogTimeout\": \"90s\"}", FelixConfiguration.Spec.class));
        assertThrows(UnrecognizedPropertyException.class,
                () -> JSON.readValue("{\"ipipMtu\": 1400}", FelixConfiguration.Spec.class));
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("logSeverityScreen", "\"Verbose\"", "spec.logSeverityScreen",
                        "\"Verbose\" is not allowed; allowed: Debug, Info, Warning, Error, Fatal"),
                Arguments.of("logSeveritySys", "\"none\"", "spec.logSeveritySys",
                        "\"none\" is not allowed; allowed: Debug, Info, Warning, Error, Fatal"),
                Arguments.of("iptablesBackend", "\"Auto\"", "spec.iptablesBackend",
                        "\"Auto\" is not allowed; allowed: Legacy, NFT"),
                Arguments.of("chainInsertMode", "\"Prepend\"", "spec.chainInsertMode",
                        "\"Prepend\" is not allowed; allowed: Insert, Append"),
                Arguments.of("defaultEndpointToHostAction", "\"DROP\"", "spec.defaultEndpointToHostAction",
                        "\"DROP\" is not allowed; allowed: Drop, Accept, Return"),
                Arguments.of("iptablesFilterAllowAction", "\"Drop\"", "spec.iptablesFilterAllowAction",
                        "\"Drop\" is not allowed; allowed: Accept, Return"),
                Arguments.of("iptablesMangleAllowAction", "\"Pass\"", "spec.iptablesMangleAllowAction",
                        "\"Pass\" is not allowed; allowed: Accept, Return"),
                Arguments.of("bpfLogLevel", "\"Trace\"", "spec.bpfLogLevel",
                        "\"Trace\" is not allowed; allowed: Debug, Info, Off"),
                Arguments.of("bpfExternalServiceMode", "\"Direct\"", "spec.bpfExternalServiceMode",
                        "\"Direct\" is not allowed; allowed: Tunnel, DSR"),
                Arguments.of("routeSource", "\"BGP\"", "spec.routeSource",
                        "\"BGP\" is not allowed; allowed: WorkloadIPs, CalicoIPAM"),
                Arguments.of("awsSrcDstCheck", "\"Enabled\"", "spec.awsSrcDstCheck",
                        "\"Enabled\" is not allowed; allowed: DoNothing, Enable, Disable"),
                Arguments.of("serviceLoopPrevention", "\"Allow\"", "spec.serviceLoopPrevention",
                        "\"Allow\" is not allowed; allowed: Drop, Reject, Disabled"),
                Arguments.of("routeRefreshInterval", "\"90\"", "spec.routeRefreshInterval",
                        "\"90\" is not a duration; write it as Go does, e.g. 90s, 1m30s, 500ms"),
                Arguments.of("bpfKubeProxyMinSyncPeriod", "\"1 second\"", "spec.bpfKubeProxyMinSyncPeriod",
                        "\"1 second\" is not a duration; write it as Go does, e.g. 90s, 1m30s, 500ms"),
                Arguments.of("vxlanVNI", "16777216", "spec.vxlanVNI",
                        "16777216 is out of range; allowed: 0..16777215"),
                Arguments.of("ipipMTU", "-1", "spec.ipipMTU", "-1 is out of range; allowed: 0..65535"),
                Arguments.of("healthPort", "65536", "spec.healthPort", "65536 is out of range; allowed: 1..65535"),
                Arguments.of("wireguardListeningPort", "0", "spec.wireguardListeningPort",
                        "0 is out of range; allowed: 1..65535"),
                Arguments.of("wireguardRoutingRulePriority", "32766", "spec.wireguardRoutingRulePriority",
                        "32766 is out of range; allowed: 1..32765"),
                Arguments.of("deviceRouteProtocol", "256", "spec.deviceRouteProtocol",
                        "256 is out of range; allowed: 0..255"),
                Arguments.of("maxIpsetSize", "0", "spec.maxIpsetSize", "0 is out of range; allowed: 1..2147483647"),
                Arguments.of("iptablesMarkMask", "0", "spec.iptablesMarkMask",
                        "0 is out of range; allowed: a non-zero 32-bit mask, 1..4294967295 (e.g. 0xffff0000)"),
                Arguments.of("routeTableRange", "{\"min\": 0, \"max\": 250}", "spec.routeTableRange",
                        "min 0, max 250 is not allowed; must be a range of route table indices within 1..250 "
                                + "with min <= max"),
                Arguments.of("routeTableRange", "{\"min\": 200, \"max\": 100}", "spec.routeTableRange",
                        "min 200, max 100 is not allowed; must be a range of route table indices within 1..250 "
                                + "with min <= max"),
                Arguments.of("routeTableRange", "{\"min\": 1}", "spec.routeTableRange.max",
                        "is required; allowed: 1..250"),
                Arguments.of("failsafeInboundHostPorts", "[{\"protocol\": \"TCP\", \"port\": 22}, "
                                + "{\"protocol\": \"tcp\", \"port\": 179}]",
                        "spec.failsafeInboundHostPorts[1].protocol",
                        "\"tcp\" is not allowed; allowed: TCP, UDP, SCTP"),
                Arguments.of("failsafeInboundHostPorts", "[{\"port\": 22}]",
                        "spec.failsafeInboundHostPorts[0].protocol", "is required; allowed: TCP, UDP, SCTP"),
                Arguments.of("failsafeOutboundHostPorts", "[{\"protocol\": \"UDP\", \"port\": 70000}]",
                        "spec.failsafeOutboundHostPorts[0].port", "70000 is out of range; allowed: 0..65535"),
                Arguments.of("failsafeOutboundHostPorts", "[{\"protocol\": \"UDP\"}]",
                        "spec.failsafeOutboundHostPorts[0].port", "is required; allowed: 0..65535"),
                Arguments.of("failsafeOutboundHostPorts", "[{\"protocol\": \"UDP\", \"port\": 53, "
                                + "\"net\": \"10.0.0.0/33\"}]",
                        "spec.failsafeOutboundHostPorts[0].net",
                        "\"10.0.0.0/33\": prefix length /33 is longer than IPv4 allows (32)"),
                Arguments.of("kubeNodePortRanges", "[\"30000:32767\", \"http\"]", "spec.kubeNodePortRanges[1]",
                        "\"http\" is a named port; allowed: a port or a range \"min:max\", e.g. \"30000:32767\""),
                Arguments.of("kubeNodePortRanges", "[1, 2, 3, 4, 5, 6, 7, 8]", "spec.kubeNodePortRanges",
                        "8 ranges given; at most 7 are allowed (iptables' multiport match takes 15 ports, "
                                + "a range counts as two)"),
                Arguments.of("natPortRange", "\"http\"", "spec.natPortRange",
                        "\"http\" is a named port; allowed: a port or a range \"min:max\" within 1..65535"),
                Arguments.of("externalNodesList", "[\"10.0.0.0/8\", \"fd00::/64\"]", "spec.externalNodesList[1]",
                        "\"fd00::/64\" is an IPv6 CIDR; external nodes must be IPv4"),
                Arguments.of("natOutgoingAddress", "\"fd00::1\"", "spec.natOutgoingAddress",
                        "\"fd00::1\" is not an IPv4 address"),
                Arguments.of("deviceRouteSourceAddress", "\"fd00::2\"", "spec.deviceRouteSourceAddress",
                        "\"fd00::2\" is not an IPv4 address"),
                Arguments.of("openstackRegion", "\"Region_1\"", "spec.openstackRegion",
                        "\"Region_1\" is not a valid region; allowed: lower-case letters, digits and '-', "
                                + "starting and ending with a letter or digit"),
                Arguments.of("openstackRegion", "\"" + "r".repeat(47) + "\"", "spec.openstackRegion",
                        "\"" + "r".repeat(47) + "\" is 47 characters long; at most 46 are allowed"),
                Arguments.of("prometheusMetricsHost", "\"my host\"", "spec.prometheusMetricsHost",
                        "\"my host\" is not a valid host; allowed: an IP address or host name of 1..64 letters, "
                                + "digits, ':', '.', '_', '+', '-'"),
                Arguments.of("wireguardInterfaceName", "\"wireguard.calico0\"", "spec.wireguardInterfaceName",
                        "\"wireguard.calico0\" is not a valid interface name; allowed: 1..15 letters, digits, "
                                + "'_', '.' and '-'"),
                Arguments.of("iptablesNATOutgoingInterfaceFilter", "\"eth*\"",
                        "spec.iptablesNATOutgoingInterfaceFilter",
                        "\"eth*\" is not a valid interface filter; allowed: 1..15 letters, digits, ':', '.', '_', '-' "
                                + "and '+' as a wildcard, e.g. eth+"),
                Arguments.of("featureDetectOverride", "\"SNATFullyRandom=true,MASQFullyRandom\"",
                        "spec.featureDetectOverride",
                        "\"MASQFullyRandom\" is not a key=value item; allowed: a comma-separated list such as "
                                + "SNATFullyRandom=true,MASQFullyRandom=false"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void badValueIsRejected(String field, String jsonValue, String path, String message) {
        Problems problems = new Problems();
        resource(fullWith(field, jsonValue)).validated(problems.at("spec"));

        List<Problem> errors = problems.errors();
        assertEquals(List.of(path + ": " + message), describe(errors));
    }

    @Test
    void badRegularExpressionsAreRejected() {
        for (String field : List.of("bpfDataIfacePattern", "mtuIfacePattern")) {
            Problems problems = new Problems();
            resource(fullWith(field, "\"^(eth\"")).validated(problems.at("spec"));
            List<Problem> errors = problems.errors();
            assertEquals(1, errors.size(), describe(errors).toString());
            assertEquals("spec." + field, errors.get(0).path());
            assertTrue(errors.get(0).message().startsWith("\"^(eth\" is not a valid regular expression: "),
                    errors.get(0).message());
        }
    }

    @Test
    void severalBadValuesAreAllReported() {
        Problems problems = new Problems();
        resource(spec("""
                {"logSeverityFile": "verbose", "vxlanPort": 70000, "reportingTTL": "ninety",
                 "failsafeInboundHostPorts": [null]}
                """)).validated(problems.at("spec"));
        List<String> paths = new ArrayList<>();
        for (Problem p : problems.errors()) {
            paths.add(p.path());
        }
        assertEquals(List.of("spec.logSeverityFile", "spec.vxlanPort", "spec.reportingTTL",
                "spec.failsafeInboundHostPorts[0]"), paths);
    }

    @Test
    void felixSpellingsAreNormalisedWithAWarning() {
        Problems problems = new Problems();
        FelixConfiguration out = resource(spec("""
                {"chainInsertMode": "append", "routeSource": "calicoipam",
                 "externalNodesList": ["10.1.2.3/16", "192.0.2.7"],
                 "failsafeInboundHostPorts": [{"protocol": "TCP", "port": 22, "net": "10.9.8.7/8"}],
                 "natOutgoingAddress": "192.0.2.1"}
                """)).validated(problems.at("spec"));

        assertEquals(List.of(), describe(problems.errors()));
        assertEquals("Append", out.spec().chainInsertMode());
        assertEquals("CalicoIPAM", out.spec().routeSource());
        assertEquals(List.of("10.1.0.0/16", "192.0.2.7/32"), out.spec().externalNodesList());
        assertEquals("10.0.0.0/8", out.spec().failsafeInboundHostPorts().get(0).net());
        assertEquals("192.0.2.1", out.spec().natOutgoingAddress());

        List<String> warned = new ArrayList<>();
        for (Problem w : problems.warnings()) {
            warned.add(w.path());
        }
        assertEquals(List.of("spec.chainInsertMode", "spec.externalNodesList[0]", "spec.externalNodesList[1]",
                "spec.failsafeInboundHostPorts[0].net", "spec.routeSource"), warned.stream().sorted().toList());
    }

    @Test
    void edgeValuesAreAccepted() {
        Problems problems = new Problems();
        FelixConfiguration out = resource(spec("""
                {"wireguardInterfaceName": "*", "failsafeInboundHostPorts": [],
                 "routeTableRange": {"min": 250, "max": 250}, "vxlanPort": 0, "vxlanVNI": 16777215,
                 "iptablesMarkMask": 4294967295, "featureDetectOverride": "SNATFullyRandom=,",
                 "kubeNodePortRanges": [1, 2, 3, 4, 5, 6, 7], "logSeveritySys": "Fatal",
                 "iptablesLockTimeout": "1h2m3.5s"}
                """)).validated(problems.at("spec"));
        assertEquals(List.of(), describe(problems.all()));
        assertEquals(List.of(), out.spec().failsafeInboundHostPorts());
    }

    @Test
    void thinMarkMaskIsOnlyAWarning() {
        Problems problems = new Problems();
        resource(spec("{\"iptablesMarkMask\": 15}")).validated(problems.at("spec"));
        assertEquals(List.of(), describe(problems.errors()));
        List<Problem> warnings = problems.warnings();
        assertEquals(1, warnings.size());
        assertEquals("spec.iptablesMarkMask", warnings.get(0).path());
    }

    @Test
    void withMetadataKeepsTheSpec() {
        FelixConfiguration fc = resource(spec(FULL));
        FelixConfiguration renamed = fc.withMetadata(ObjectMeta.named("node.worker-1"));
        assertEquals("node.worker-1", renamed.name());
        assertEquals(fc.spec(), renamed.spec());
        assertEquals(Kind.FELIX_CONFIGURATION, renamed.kind());
    }

    @Test
    void readsThroughTheStrictCodecAndRoundTrips() throws Exception {
        String yaml = """
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: node.worker-1
                spec:
                  ipipMTU: 1400
                  chainInsertMode: Append
                  iptablesMarkMask: 0xffff0000
                  reportingInterval: 0s
                  bpfLogLevel: ""
                  failsafeInboundHostPorts:
                  - protocol: TCP
                    port: 22
                  - protocol: UDP
                    port: 68
                    net: 10.0.0.0/8
                  failsafeOutboundHostPorts: []
                  kubeNodePortRanges: ["30000:32767"]
                  routeTableRange: {min: 10, max: 20}
                """;
        Manifest m = ResourceCodec.read(yaml);
        assertEquals(1, m.resources().size(), m.warnings().toString());
        FelixConfiguration fc = (FelixConfiguration) m.resources().get(0);
        assertEquals(4294901760L, fc.spec().iptablesMarkMask());
        assertEquals("0s", fc.spec().reportingInterval());
        assertNull(fc.spec().bpfLogLevel());
        assertEquals(new FelixConfiguration.RouteTableRange(10, 20), fc.spec().routeTableRange());
        assertEquals(List.of(), fc.spec().failsafeOutboundHostPorts());
        assertEquals(fc, ResourceCodec.read(ResourceCodec.toYaml(fc)).resources().get(0));
        assertEquals(fc, ResourceCodec.read(ResourceCodec.toJson(fc)).resources().get(0));
        // An empty failsafe list (no failsafe ports at all) is written, not dropped as if unset.
        JsonNode written = JSON.readTree(ResourceCodec.toJson(fc)).get("spec");
        assertTrue(written.get("failsafeOutboundHostPorts").isArray(), written.toString());
        assertEquals(0, written.get("failsafeOutboundHostPorts").size());
        assertNull(written.get("bpfLogLevel"));
    }

    @Test
    void codecReportsBadValuesAtTheirPaths() {
        String yaml = """
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: default
                spec:
                  logSeverityScreen: Verbose
                """;
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read(yaml));
        assertTrue(e.getMessage().contains("spec.logSeverityScreen"), e.getMessage());
        assertTrue(e.getMessage().contains("\"Verbose\" is not allowed; allowed: Debug, Info, Warning, Error, Fatal"),
                e.getMessage());
    }
}
