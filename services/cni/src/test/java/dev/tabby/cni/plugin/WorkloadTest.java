package dev.tabby.cni.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.CniResult;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names, parsing and printing: the pure parts, against values worked out independently (sha1sum, the spec). */
class WorkloadTest {

    private static CniEnv env(String args) {
        return CniEnv.parse(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "abc123", "CNI_NETNS", "/run/netns/x",
                "CNI_IFNAME", "eth0", "CNI_ARGS", args)).requireContainer();
    }

    @Test
    void vethNamesAreCaliPlusElevenHexOfSha1() {
        // echo -n "kube-system.coredns-74ff55c5b-9xk2p" | sha1sum | cut -c1-11
        Workload pod = Workload.of("k8s-pod-network", "node-1",
                env("K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=coredns-74ff55c5b-9xk2p"));
        assertEquals("cali0e5f5a18bb4", pod.hostVethName());
        assertEquals("calic440f455693", Workload.vethNameFor("default.nginx"));
        assertEquals(15, pod.hostVethName().length());
    }

    @Test
    void endpointNamesDoubleTheDashes() {
        Workload pod = Workload.of("k8s-pod-network", "node-1",
                env("IgnoreUnknown=1;K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=coredns-74ff55c5b-9xk2p"));
        assertEquals("node--1-k8s-coredns--74ff55c5b--9xk2p-eth0", pod.endpointName());
        assertEquals("k8s-pod-network.abc123", pod.ipamHandle());
        assertEquals(List.of("kns.kube-system", "ksa.kube-system.default"), pod.profiles());
        assertEquals(Map.of("node", "node-1", "namespace", "kube-system", "pod", "coredns-74ff55c5b-9xk2p"), pod.ipamAttributes());

        Workload plain = Workload.of("net1", "node-1", env(""));
        assertEquals("node--1-cni-abc123-eth0", plain.endpointName());
        assertEquals("default", plain.namespace());
        assertEquals(List.of("net1"), plain.profiles());
        // libcalico-go's client writes these two on every WorkloadEndpoint (clientv3/workloadendpoint.go).
        assertEquals(Map.of("projectcalico.org/namespace", "default", "projectcalico.org/orchestrator", "cni"), plain.labels());
    }

    @Test
    void felixKeysTheEndpointByNamespaceAndTheWorkloadPartOfItsName() {
        // libcalico-go updateprocessors/workloadendpointprocessor.go: WorkloadID = namespace + "/" + the name's part.
        Workload pod = Workload.of("k8s-pod-network", "node-1", env("K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1"));
        assertEquals(java.util.Optional.of("/calico/felix/v2/no-region/host/node-1/workload/k8s/shop%2fweb-1/endpoint/eth0"),
                dev.tabby.datastore.status.FelixStatusKeys.forWorkloadEndpoint(pod.namespace(), pod.endpointName()));
        Workload plain = Workload.of("net1", "node-1", env(""));
        assertEquals(java.util.Optional.of("/calico/felix/v2/no-region/host/node-1/workload/cni/default%2fabc123/endpoint/eth0"),
                dev.tabby.datastore.status.FelixStatusKeys.forWorkloadEndpoint(plain.namespace(), plain.endpointName()));
    }

    @Test
    void aNetworkNameThatCannotNameAProfileIsRefusedOutsideKubernetes() {
        CniError e = assertThrows(CniError.class, () -> Workload.of("Net_1", "node-1", env("")).validate());
        assertEquals(CniError.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.msg().contains("\"Net_1\"") && e.msg().contains("Profile"), e.msg());
        Workload.of("Net_1", "node-1", env("K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web")).validate();
        String longName = "n".repeat(64);
        Workload.of(longName, "node-1", env("")).validate();
        CniError label = assertThrows(CniError.class, () -> NetworkProfile.checkName(longName));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, label.code());
        assertTrue(label.msg().contains("label key"), label.msg());
    }

    @Test
    void thePolicyWaitsBoundComesFromTheConfigurationThenTheEnvironment() {
        NetConf plain = NetConf.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        NetConf three = NetConf.parse(("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
                + "\"policy_setup_timeout_seconds\":3,\"policy\":{\"type\":\"k8s\"}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(3, three.policySetupTimeoutSeconds());
        assertEquals("k8s", three.policyType());
        assertEquals(null, plain.policyType());
        assertEquals(java.time.Duration.ofSeconds(10), PolicyWait.timeout(plain, Map.of(), Map.of()));
        assertEquals(java.time.Duration.ofSeconds(7), PolicyWait.timeout(plain, Map.of(), Map.of(PolicyWait.TIMEOUT_VAR, "7")));
        assertEquals(java.time.Duration.ofSeconds(0), PolicyWait.timeout(plain, Map.of(PolicyWait.TIMEOUT_VAR, "0"),
                Map.of(PolicyWait.TIMEOUT_VAR, "7")));
        assertEquals(java.time.Duration.ofSeconds(3), PolicyWait.timeout(three, Map.of(PolicyWait.TIMEOUT_VAR, "0"), Map.of()));
        CniError bad = assertThrows(CniError.class, () -> PolicyWait.timeout(plain, Map.of(PolicyWait.TIMEOUT_VAR, "ten"), Map.of()));
        assertEquals(CniError.INVALID_ENVIRONMENT, bad.code());
        assertTrue(bad.msg().contains("TABBY_CNI_POLICY_SETUP_TIMEOUT=ten"), bad.msg());
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
                + "\"policy_setup_timeout_seconds\":-1}"));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
                + "\"policy_setup_timeout_seconds\":1.5}"));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\","
                + "\"policy\":\"k8s\"}"));
    }

    @Test
    void identitiesThatMakeNoValidEndpointAreRefused() {
        CniError e = assertThrows(CniError.class, () -> Workload.of("n", "node-", env("")).validate());
        assertEquals(CniError.INVALID_NETWORK_CONFIG, e.code());
        assertTrue(e.msg().contains("starts or ends with '-'"), e.msg());
        assertEquals(CniError.INVALID_ENVIRONMENT, assertThrows(CniError.class, () -> Workload.of("n", "node-1",
                env("K8S_POD_NAMESPACE=Shop;K8S_POD_NAME=web")).validate()).code());
    }

    @Test
    void cniArgsAndCommandsAreChecked() {
        assertEquals(CniError.INVALID_ENVIRONMENT, assertThrows(CniError.class, () -> env("K8S_POD_NAME")).code());
        assertEquals(CniError.INVALID_ENVIRONMENT, assertThrows(CniError.class,
                () -> CniEnv.parse(Map.of("CNI_COMMAND", "GC"))).code());
        assertEquals("VERSION", CniEnv.parse(Map.of("CNI_COMMAND", "version")).command());
        assertEquals(CniError.INVALID_ENVIRONMENT, assertThrows(CniError.class, () -> CniEnv.parse(Map.of("CNI_COMMAND", "ADD",
                "CNI_CONTAINERID", "c", "CNI_IFNAME", "a-very-long-interface-name")).requireContainer()).code());
    }

    @Test
    void configurationKeysAndTheirErrors() {
        NetConf c = NetConf.parse(("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"tabby\",\"mtu\":\"1440\","
                + "\"ipam\":{\"type\":\"tabby-ipam\",\"assign_ipv4\":\"false\",\"assign_ipv6\":true,\"ipv6_pools\":[\"v6\"]}}")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(1440, c.mtu());
        assertEquals(false, c.ipam().assignIpv4());
        assertEquals(true, c.ipam().assignIpv6());
        assertEquals(List.of("v6"), c.ipam().ipv6Pools());
        assertEquals(CniError.DECODING_FAILURE, parseError("[1,2]"));
        assertEquals(CniError.DECODING_FAILURE, parseError(""));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"ipam\":{\"type\":\"x\",\"assign_ipv6\":\"maybe\"}}"));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"mtu\":20}"));
        assertEquals(CniError.INVALID_NETWORK_CONFIG, parseError("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"t\",\"datastore_type\":\"kubernetes\"}"));
        assertEquals(CniError.INCOMPATIBLE_VERSION, parseError("{\"cniVersion\":\"0.1.0\",\"name\":\"n\",\"type\":\"t\"}"));
    }

    @Test
    void resultsPrintInTheCallersVersion() {
        CniResult r = new CniResult(List.of(new CniResult.Iface("cali1", "ee:ee:ee:ee:ee:ee", null),
                new CniResult.Iface("eth0", "02:00:00:00:00:01", "/run/netns/x")),
                List.of(new CniResult.IpConfig(Cidr.parse("10.0.0.5/32"), null, 1)),
                List.of(new CniResult.RouteEntry(Cidr.parse("0.0.0.0/0"), IpAddress.parse("169.254.1.1"))));
        assertEquals("{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"cali1\",\"mac\":\"ee:ee:ee:ee:ee:ee\"},"
                + "{\"name\":\"eth0\",\"mac\":\"02:00:00:00:00:01\",\"sandbox\":\"/run/netns/x\"}],"
                + "\"ips\":[{\"address\":\"10.0.0.5/32\",\"interface\":1}],"
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"169.254.1.1\"}],\"dns\":{}}\n", r.toJson("1.0.0"));
        assertTrue(r.toJson("0.3.1").contains("{\"version\":\"4\",\"address\":\"10.0.0.5/32\",\"interface\":1}"));
        CniResult back = CniResult.fromJson(r.toJson("0.4.0").getBytes(StandardCharsets.UTF_8));
        assertEquals(r, back);
        assertEquals("{\"cniVersion\":\"0.4.0\",\"code\":7,\"msg\":\"bad\",\"details\":\"why\"}\n",
                CniResult.errorJson("0.4.0", new CniError(7, "bad", "why")));
    }

    private static int parseError(String json) {
        return assertThrows(CniError.class, () -> NetConf.parse(json.getBytes(StandardCharsets.UTF_8))).code();
    }
}
