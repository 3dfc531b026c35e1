package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.daemon.DaemonEvents;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ADD, DEL, CHECK and VERSION through the daemon's socket, each checked against the kernel ({@code ip -j} in the
 * node's and the container's namespaces) and etcd.
 */
class CniPluginTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static TestDaemon daemon;
    private static DaemonEvents events;
    private static CniRuntime.Transport plugin;
    private CniFixture f;

    @BeforeAll
    static void startDaemon() throws Exception {
        // As the daemon's main wires them, with GET /v1/events on a free port of this host's 127.0.0.1.
        events = new DaemonEvents("cni-test-node").serveOn(0);
        daemon = TestDaemon.start(ETCD.scratchDir("daemon").resolve("cni.sock"), c -> c.withEvents(events.sink()));
        plugin = daemon.transport();
    }

    @AfterAll
    static void stopDaemon() {
        if (daemon != null) {
            daemon.close();
        }
        if (events != null) {
            events.close();
        }
    }

    @BeforeEach
    void node() {
        f = new CniFixture(ETCD, netns);
        daemon.node(f.host);
        f.pool("pool-v4", "10.65.0.0/16", 26);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private CniRuntime.Outcome cni(CniRuntime.Call c) {
        return plugin.call(Plugins.CNI, c);
    }

    @Test
    void addSetsUpBothSidesAndWritesTheEndpoint() throws Exception {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "web-1");

        JsonNode result = cni(add).requireOk().json();

        String veth = "cali" + sha1Hex("shop.web-1").substring(0, 11);
        assertEquals("1.0.0", result.path("cniVersion").asText());
        assertEquals(veth, result.path("interfaces").get(0).path("name").asText());
        assertEquals("ee:ee:ee:ee:ee:ee", result.path("interfaces").get(0).path("mac").asText());
        assertEquals("eth0", result.path("interfaces").get(1).path("name").asText());
        assertEquals(c.path().toString(), result.path("interfaces").get(1).path("sandbox").asText());
        String address = result.path("ips").get(0).path("address").asText();
        assertTrue(address.startsWith("10.65.") && address.endsWith("/32"), address);
        assertEquals(1, result.path("ips").get(0).path("interface").asInt());
        String ip = address.substring(0, address.indexOf('/'));

        // Host side, as iproute2 sees it.
        Map<String, Object> hostLink = f.host.oracle().link(veth).orElseThrow();
        assertEquals("ee:ee:ee:ee:ee:ee", hostLink.get("address"));
        assertTrue(((List<?>) hostLink.get("flags")).contains("UP"), hostLink.toString());
        assertEquals("veth", ((Map<?, ?>) hostLink.get("linkinfo")).get("info_kind"));
        assertEquals(1500, hostLink.get("mtu"));
        assertEquals("1", f.host.oracle().sysctl("net.ipv4.conf." + veth + ".proxy_arp"));
        assertEquals("0", f.host.oracle().sysctl("net.ipv4.neigh." + veth + ".proxy_delay"));
        assertEquals("1", f.host.oracle().sysctl("net.ipv4.conf." + veth + ".forwarding"));
        Map<String, Object> hostRoute = f.host.oracle().route("main", address).orElseThrow();
        assertEquals(veth, hostRoute.get("dev"));
        assertEquals("80", String.valueOf(hostRoute.get("protocol")));
        assertEquals("253", String.valueOf(hostRoute.get("scope")));

        // Workload side.
        Map<String, Object> eth0 = c.oracle().link("eth0").orElseThrow();
        assertTrue(((List<?>) eth0.get("flags")).contains("UP"));
        assertEquals(result.path("interfaces").get(1).path("mac").asText(), eth0.get("address"));
        assertEquals(1500, eth0.get("mtu"));
        List<Map<String, Object>> addrs = c.oracle().addrs("eth0").stream().filter(a -> "inet".equals(a.get("family"))).toList();
        assertEquals(1, addrs.size());
        assertEquals(ip, addrs.get(0).get("local"));
        assertEquals(32, addrs.get(0).get("prefixlen"));
        Map<String, Object> gw = c.oracle().route("main", "169.254.1.1/32").orElseThrow();
        assertEquals("eth0", gw.get("dev"));
        assertEquals("253", String.valueOf(gw.get("scope")));
        Map<String, Object> def = c.oracle().route("main", "default").orElseThrow();
        assertEquals("169.254.1.1", def.get("gateway"));
        assertEquals("eth0", def.get("dev"));

        // The WorkloadEndpoint, named and labelled as Calico names and labels it.
        WorkloadEndpoint wep = single(f.endpoints());
        assertEquals(f.node.replace("-", "--") + "-k8s-web--1-eth0", wep.name());
        assertEquals("shop", wep.namespace());
        assertEquals(Map.of("projectcalico.org/namespace", "shop", "projectcalico.org/orchestrator", "k8s",
                "projectcalico.org/serviceaccount", "default"), wep.metadata().labels());
        assertEquals(List.of("kns.shop", "ksa.shop.default"), wep.spec().profiles());
        assertEquals("k8s", wep.spec().orchestrator());
        assertEquals("web-1", wep.spec().pod());
        assertEquals(id, wep.spec().containerID());
        assertEquals("eth0", wep.spec().endpoint());
        assertEquals(veth, wep.spec().interfaceName());
        assertEquals(eth0.get("address"), wep.spec().mac());
        assertEquals(List.of(address), wep.spec().ipNetworks());
        assertEquals(f.node, wep.spec().node());
        assertEquals("default", wep.metadata().labels().get("projectcalico.org/serviceaccount"),
                "the service account as a label: v3.18's WorkloadEndpoint has no serviceAccountName");

        // IPAM holds it under Calico's handle.
        assertEquals(List.of(ip), f.ipam.addressesOf(CniFixture.NETWORK + "." + id).stream()
                .map(a -> a.address().toString()).toList());
    }

    @Test
    void theDaemonsEventsSayWhatHappenedToEachWorkloadOverServerSentEvents() throws Exception {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "ev-1");
        String address = cni(add).requireOk().json().path("ips").get(0).path("address").asText();
        TestNamespace c2 = f.container();
        String refused = CniFixture.containerId();
        CniRuntime.Outcome failed = cni(CniRuntime.Call.of("ADD", refused, c2.path().toString(), f.config())
                .withArgs("IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=ev-2;IP=10.99.0.1"));
        assertEquals(101, failed.code(), failed.toString());
        cni(add.withCommand("DEL")).requireOk();

        String endpoint = f.node.replace("-", "--") + "-k8s-ev--1-eth0";
        List<JsonNode> seen = SseReader.read(events.httpPort(), "dev.tabby.cni.workload", 3,
                e -> e.path("data").path("containerId").asText().equals(id)
                        || e.path("data").path("containerId").asText().equals(refused));
        assertEquals(List.of("dev.tabby.cni.workload.added", "dev.tabby.cni.workload.add-failed",
                "dev.tabby.cni.workload.deleted"), seen.stream().map(e -> e.path("type").asText()).toList(), seen.toString());
        JsonNode added = seen.get(0);
        assertEquals("shop/" + endpoint, added.path("subject").asText());
        assertEquals("/nodes/cni-test-node/cni", added.path("source").asText());
        assertEquals("ev-1", added.path("data").path("pod").asText());
        assertEquals(endpoint, added.path("data").path("endpoint").asText());
        assertEquals(address, added.path("data").path("ips").get(0).asText());
        assertEquals("cali" + sha1Hex("shop.ev-1").substring(0, 11), added.path("data").path("interface").asText());
        JsonNode addFailed = seen.get(1);
        assertEquals(101, addFailed.path("data").path("code").asInt(), addFailed.toString());
        assertEquals(failed.msg(), addFailed.path("data").path("msg").asText(), "the msg the runtime got");
        assertEquals("ev-2", addFailed.path("data").path("pod").asText());
        JsonNode deleted = seen.get(2);
        assertEquals("shop/" + endpoint, deleted.path("subject").asText());
        assertEquals(address, deleted.path("data").path("ips").get(0).asText());
        assertTrue(deleted.path("data").path("endpointDeleted").asBoolean(), deleted.toString());
    }

    @Test
    void addTwiceGivesTheSameResultAndHoldsOneAddress() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "twice");

        String first = cni(add).requireOk().stdout();
        String second = cni(add).requireOk().stdout();

        assertEquals(first, second);
        assertEquals(1, f.ipam.addressesOf(CniFixture.NETWORK + "." + id).size());
        assertEquals(1, f.endpoints().size());
        assertEquals(1, c.oracle().addrs("eth0").stream().filter(a -> "inet".equals(a.get("family"))).count());
    }

    @Test
    void delRemovesEverythingAndASecondDelSucceeds() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "gone");
        cni(add).requireOk();

        CniRuntime.Outcome del = cni(add.withCommand("DEL"));
        assertTrue(del.ok(), del.toString());
        assertEquals("", del.stdout());

        assertFalse(c.oracle().link("eth0").isPresent(), "eth0 left in the container");
        f.assertNoLeftovers(List.of(id));
        assertTrue(cni(add.withCommand("DEL")).ok(), "a repeated DEL succeeds");
    }

    @Test
    void delOfAnUnknownContainerSucceeds() {
        String id = CniFixture.containerId();
        CniRuntime.Outcome withGoneNetns = cni(CniRuntime.Call.of("DEL", id, "/run/netns/tabby-t-never-made", f.config()));
        assertTrue(withGoneNetns.ok(), withGoneNetns.toString());
        CniRuntime.Outcome withoutNetns = cni(CniRuntime.Call.of("DEL", id, null, f.config()).withPod("shop", "never"));
        assertTrue(withoutNetns.ok(), withoutNetns.toString());
    }

    @Test
    void checkPassesAfterAddAndDetectsARemovedRoute() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "checked");
        JsonNode result = cni(add).requireOk().json();
        String withPrev = f.config("1.0.0", "\"prevResult\":" + result);

        CniRuntime.Outcome ok = cni(add.withCommand("CHECK").withConfig(withPrev));
        assertTrue(ok.ok(), ok.toString());

        String address = result.path("ips").get(0).path("address").asText();
        f.host.ip("route", "del", address);
        CniRuntime.Outcome broken = cni(add.withCommand("CHECK").withConfig(withPrev));
        assertEquals(104, broken.code(), broken.toString());
        assertTrue(broken.msg().contains("host route " + address), broken.msg());

        c.ip("route", "del", "default");
        CniRuntime.Outcome both = cni(add.withCommand("CHECK").withConfig(withPrev));
        assertTrue(both.msg().contains("default route via 169.254.1.1"), both.msg());
    }

    @Test
    void checkNeedsVersion040AndAPreviousResult() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call check = CniRuntime.Call.of("CHECK", id, c.path().toString(), f.config("0.3.1", "\"prevResult\":{}"));
        assertEquals(1, cni(check).code());
        assertEquals(7, cni(check.withConfig(f.config())).code());
    }

    @Test
    void aWorkloadOutsideKubernetesIsNamedByItsContainer() {
        TestNamespace c = f.container();
        String id = "cid-" + CniFixture.hex(8);
        JsonNode result = cni(CniRuntime.Call.of("ADD", id, c.path().toString(), f.config("0.3.1", "\"mtu\": 1400"))
                .withIfName("net1")).requireOk().json();

        String veth = "cali" + sha1Hex(id).substring(0, 11);
        assertEquals(veth, result.path("interfaces").get(0).path("name").asText());
        assertEquals("0.3.1", result.path("cniVersion").asText());
        assertEquals("4", result.path("ips").get(0).path("version").asText(), "0.3.x results carry the IP version");
        WorkloadEndpoint wep = single(f.endpoints());
        assertEquals(f.node.replace("-", "--") + "-cni-" + id.replace("-", "--") + "-net1", wep.name());
        assertEquals("default", wep.namespace());
        assertEquals("cni", wep.spec().orchestrator());
        assertEquals(List.of(CniFixture.NETWORK), wep.spec().profiles());
        assertEquals(1400, f.host.oracle().link(veth).orElseThrow().get("mtu"));
        assertEquals(1400, c.oracle().link("net1").orElseThrow().get("mtu"));

        assertTrue(cni(CniRuntime.Call.of("DEL", id, c.path().toString(), f.config("0.3.1", null)).withIfName("net1")).ok());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void dualStackWhenAnIpv6PoolServesTheNode() {
        f.pool("pool-v6", "fd65:1::/112", 122);
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "dual");
        JsonNode result = cni(add).requireOk().json();

        assertEquals(2, result.path("ips").size(), result.toString());
        String v6 = result.path("ips").get(1).path("address").asText();
        assertTrue(v6.startsWith("fd65:1::") && v6.endsWith("/128"), v6);
        String veth = result.path("interfaces").get(0).path("name").asText();
        assertEquals("1", f.host.oracle().sysctl("net.ipv6.conf." + veth + ".proxy_ndp"));
        assertEquals("1", f.host.oracle().sysctl("net.ipv6.conf." + veth + ".forwarding"));
        Map<String, Object> hostRoute = f.host.oracle().route("main", v6).orElseThrow();
        assertEquals(veth, hostRoute.get("dev"));
        assertEquals("80", String.valueOf(hostRoute.get("protocol")));
        String v6ip = v6.substring(0, v6.indexOf('/'));
        assertTrue(c.oracle().addrs("eth0").stream().anyMatch(a -> v6ip.equals(a.get("local"))), "v6 address in the container");
        Map<String, Object> def6 = c.oracle().routes6("main").stream().filter(r -> "default".equals(r.get("dst"))).findFirst()
                .orElseThrow(() -> new AssertionError("no IPv6 default route in the container"));
        String hostLinkLocal = f.host.oracle().addrs(veth).stream().filter(a -> "inet6".equals(a.get("family")))
                .map(a -> (String) a.get("local")).filter(a -> a.startsWith("fe80:")).findFirst().orElseThrow();
        assertEquals(hostLinkLocal, def6.get("gateway"));
        assertEquals(List.of(result.path("ips").get(0).path("address").asText(), v6), single(f.endpoints()).spec().ipNetworks());

        String withPrev = f.config("1.0.0", "\"prevResult\":" + result);
        assertTrue(cni(add.withCommand("CHECK").withConfig(withPrev)).ok());
        assertTrue(cni(add.withCommand("DEL")).ok());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void versionListsTheSupportedVersions() {
        CniRuntime.Outcome v = cni(CniRuntime.Call.of("VERSION", null, null, "{\"cniVersion\":\"0.4.0\"}"));
        assertTrue(v.ok());
        assertEquals("0.4.0", v.json().path("cniVersion").asText());
        assertEquals("[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\"]", v.json().path("supportedVersions").toString());
    }

    @Test
    void theIpamPluginAloneAssignsAndReleasesByHandle() {
        String id = CniFixture.containerId();
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"other-net\",\"type\":\"ptp\",\"ipam\":{\"type\":\"tabby-ipam\","
                + "\"nodename\":\"ignored\"},\"nodename\":\"" + f.node + "\",\"etcd_endpoints\":\"" + f.endpoint() + "\"}";
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, "/run/netns/whatever", conf);
        JsonNode r = plugin.call(Plugins.IPAM, add).requireOk().json();
        String address = r.path("ips").get(0).path("address").asText();
        assertTrue(address.startsWith("10.65.") && address.endsWith("/26"), "the block's prefix, as calico-ipam gives it: " + r);
        assertFalse(r.has("interfaces"));
        assertEquals(r.toString(), plugin.call(Plugins.IPAM, add).requireOk().json().toString(), "a repeated ADD gets the same address");
        assertEquals(1, f.ipam.addressesOf("other-net." + id).size());
        assertEquals(f.node, f.ipam.getAssignmentAttributes(dev.tabby.model.net.IpAddress.parse(address.replace("/26", "")))
                .orElseThrow().attributes().get("node"));

        String withPrev = conf.substring(0, conf.length() - 1) + ",\"prevResult\":" + r + "}";
        assertTrue(plugin.call(Plugins.IPAM, add.withCommand("CHECK").withConfig(withPrev)).ok());
        assertTrue(plugin.call(Plugins.IPAM, add.withCommand("DEL")).ok());
        assertTrue(f.ipam.addressesOf("other-net." + id).isEmpty());
        assertEquals(104, plugin.call(Plugins.IPAM, add.withCommand("CHECK").withConfig(withPrev)).code());
    }

    @Test
    void theHandlerAnswersTheSameWithoutTheDaemon() {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        try (Datastores ds = new Datastores()) {
            CniRuntime.Transport direct = CniRuntime.direct(new Plugins(f.context(ds, daemon.mtuFile())));
            CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "direct");
            String viaDirect = direct.call(Plugins.CNI, add).requireOk().stdout();
            assertEquals(viaDirect, cni(add).requireOk().stdout());
            assertTrue(direct.call(Plugins.CNI, add.withCommand("DEL")).ok());
        }
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void aRequestedAddressInsideAnotherNodesBlockIsAssignedToThisNode() {
        // Another node holds the block 10.65.9.0/26; IP= borrows one of its addresses, as Calico's IP= can.
        f.ipam.claimAffinity("other-node", Cidr.parse("10.65.9.0/26"));
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()).withPod("shop", "pinned")
                .withArgs("IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=pinned;IP=10.65.9.7");

        JsonNode result = cni(add).requireOk().json();
        assertEquals("10.65.9.7/32", result.path("ips").get(0).path("address").asText());
        assertTrue(c.oracle().addrs("eth0").stream().anyMatch(a -> "10.65.9.7".equals(a.get("local"))));
        assertTrue(f.host.oracle().route("main", "10.65.9.7").isPresent(), "host route to the borrowed address");
        Map<String, String> attributes = f.ipam.getAssignmentAttributes(IpAddress.parse("10.65.9.7")).orElseThrow().attributes();
        assertEquals(f.node, attributes.get("node"), "the allocation names this node, which routes it here: " + attributes);
        assertEquals("pinned", attributes.get("pod"));
        assertEquals(List.of("10.65.9.7"), f.ipam.addressesOf(CniFixture.NETWORK + "." + id).stream()
                .map(a -> a.address().toString()).toList());
        assertEquals(List.of("10.65.9.7/32"), single(f.endpoints()).spec().ipNetworks());

        assertEquals(result.toString(), cni(add).requireOk().json().toString(), "a repeated ADD keeps the address");

        assertTrue(cni(add.withCommand("DEL")).ok());
        assertTrue(f.ipam.getAssignmentAttributes(IpAddress.parse("10.65.9.7")).isEmpty(), "DEL released it");
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void aRequestedAddressThatCannotBeHadIsAnErrorNamingIt() {
        TestNamespace c = f.container();
        String holder = CniFixture.containerId();
        cni(CniRuntime.Call.of("ADD", holder, c.path().toString(), f.config()).withArgs("IP=10.65.3.3")).requireOk();

        TestNamespace c2 = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c2.path().toString(), f.config());
        CniRuntime.Outcome inUse = cni(add.withArgs("IP=10.65.3.3"));
        assertEquals(101, inUse.code(), inUse.toString());
        assertTrue(inUse.msg().contains("IP=10.65.3.3") && inUse.msg().contains("already allocated"), inUse.msg());
        CniRuntime.Outcome noPool = cni(add.withArgs("IP=10.99.0.1"));
        assertEquals(101, noPool.code(), noPool.toString());
        assertTrue(noPool.msg().contains("IP=10.99.0.1") && noPool.msg().contains("not in any enabled IP pool"), noPool.msg());
        CniRuntime.Outcome malformed = cni(add.withArgs("IP=10.65.3.300"));
        assertEquals(4, malformed.code(), malformed.toString());
        assertTrue(malformed.msg().contains("IP=10.65.3.300") && malformed.msg().contains("not an IP address"), malformed.msg());
        assertFalse(c2.oracle().link("eth0").isPresent(), "nothing made for the refused container");
        assertTrue(f.ipam.addressesOf(CniFixture.NETWORK + "." + id).isEmpty());

        assertTrue(cni(CniRuntime.Call.of("DEL", holder, c.path().toString(), f.config())).ok());
        f.assertNoLeftovers(List.of(holder, id));
    }

    @Test
    void tabbyIpamAloneTakesARequestedAddressAsAHostPrefix() {
        String id = CniFixture.containerId();
        String conf = "{\"cniVersion\":\"1.0.0\",\"name\":\"other-net\",\"type\":\"ptp\",\"ipam\":{\"type\":\"tabby-ipam\"},"
                + "\"nodename\":\"" + f.node + "\",\"etcd_endpoints\":\"" + f.endpoint() + "\"}";
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, "/run/netns/whatever", conf).withArgs("IP=10.65.40.1");
        JsonNode r = plugin.call(Plugins.IPAM, add).requireOk().json();
        assertEquals("10.65.40.1/32", r.path("ips").get(0).path("address").asText(), "as calico-ipam gives it: " + r);
        assertEquals(f.node, f.ipam.getAssignmentAttributes(IpAddress.parse("10.65.40.1")).orElseThrow().attributes().get("node"));
        assertTrue(plugin.call(Plugins.IPAM, add.withCommand("DEL")).ok());
        assertTrue(f.ipam.addressesOf("other-net." + id).isEmpty());
    }

    @Test
    void theNodesMtuFileSetsTheMtuAndCapsTheConfiguredOne() throws Exception {
        Path mtuFile = daemon.mtuFile();
        try {
            Files.writeString(mtuFile, "1410\n");
            assertEquals(1410, mtuOfAWorkload(null), "no mtu in the configuration: the file's");
            assertEquals(1400, mtuOfAWorkload("\"mtu\": 1400"), "a configured MTU below the tunnel's is kept");
            assertEquals(1410, mtuOfAWorkload("\"mtu\": 1500"), "a configured MTU above the tunnel's is capped");
            Files.delete(mtuFile);
            assertEquals(1500, mtuOfAWorkload(null), "no file: the detected MTU");

            Files.writeString(mtuFile, "fourteen hundred");
            TestNamespace c = f.container();
            String id = CniFixture.containerId();
            CniRuntime.Outcome bad = cni(CniRuntime.Call.of("ADD", id, c.path().toString(), f.config()));
            assertEquals(6, bad.code(), bad.toString());
            assertTrue(bad.msg().contains(mtuFile.toString()) && bad.msg().contains("fourteen hundred"), bad.msg());
            f.assertNoLeftovers(List.of(id));
        } finally {
            Files.deleteIfExists(mtuFile);
        }
    }

    /** ADDs a workload, reads its MTU on both sides (they must agree), DELs it. */
    private int mtuOfAWorkload(String extra) {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), f.config("1.0.0", extra));
        String veth = cni(add).requireOk().json().path("interfaces").get(0).path("name").asText();
        int inside = (Integer) c.oracle().link("eth0").orElseThrow().get("mtu");
        assertEquals(inside, f.host.oracle().link(veth).orElseThrow().get("mtu"), "both ends of the veth");
        assertTrue(cni(add.withCommand("DEL")).ok());
        return inside;
    }

    static WorkloadEndpoint single(List<WorkloadEndpoint> weps) {
        assertEquals(1, weps.size(), weps.toString());
        assertNotNull(weps.get(0));
        return weps.get(0);
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
