package dev.tabby.bgpspeaker.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KernelRoutes against a real kernel, in a namespace of its own laid out like a node: {@code bgp0} (one end of a veth
 * pair, the other end up beside it) holding 10.0.0.1/24 and fd00:10::1/64, so 10.0.0.x and fd00:10::x are next hops
 * on a connected network. The oracle is {@code ip -n NS -j route show proto 83}; {@code ip monitor route} shows
 * which routes an apply touched.
 */
class KernelRoutesKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEV = "bgp0";
    private static final PoolFacts IPIP_NEVER_POOL =
            new PoolFacts(Cidr.parse("10.65.0.0/16"), EncapMode.NEVER, EncapMode.NEVER, false);

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private TestNamespace ns;

    @BeforeEach
    void node() {
        assumeTrue("root".equals(System.getProperty("user.name")), "kernel tests need root to make namespaces");
        ns = netns.create();
        ns.ip("link", "add", DEV, "type", "veth", "peer", "name", "bgp1");
        ns.ip("addr", "add", "10.0.0.1/24", "dev", DEV);
        ns.ip("addr", "add", "fd00:10::1/64", "dev", DEV, "nodad");
        ns.ip("link", "set", "bgp1", "up");
        ns.ip("link", "set", DEV, "up");
    }

    private KernelRoutes kernelRoutes() {
        return new KernelRoutes(ns.netlink(), IpFamilies.BOTH);
    }

    private static BestRoute learned(String prefix, String nextHop) {
        return BestRoute.learned(Cidr.parse(prefix), IpAddress.parse(nextHop));
    }

    private static KernelWants wants(List<BestRoute> routes, List<PoolFacts> pools, List<String> blocks) {
        return new KernelWants(routes, pools, List.of(Cidr.parse("10.0.0.0/24"), Cidr.parse("fd00:10::/64")),
                blocks.stream().map(Cidr::parse).toList(), List.of());
    }

    private static void assertOk(ApplyResult r) {
        assertTrue(r.ok(), r.summary());
    }

    /** {@code ip -j route show proto PROTO}, IPv4 then IPv6, each route in iproute2's words. */
    private List<String> routes(String proto) {
        List<String> out = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            String json = ns.ip("-j", family, "route", "show", "proto", proto);
            List<Map<String, Object>> parsed = parse(json);
            for (Map<String, Object> r : parsed) {
                out.add(describe(r));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String describe(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        if ("blackhole".equals(r.get("type"))) {
            sb.append("blackhole ");
        }
        sb.append(r.get("dst"));
        if (r.containsKey("gateway")) {
            sb.append(" via ").append(r.get("gateway")).append(" dev ").append(r.get("dev"));
        }
        for (Map<String, Object> hop : (List<Map<String, Object>>) r.getOrDefault("nexthops", List.of())) {
            sb.append(" nexthop via ").append(hop.get("gateway")).append(" dev ").append(hop.get("dev"));
        }
        if (((List<String>) r.getOrDefault("flags", List.of())).contains("onlink")) {
            sb.append(" onlink");
        }
        return sb.toString();
    }

    private static List<Map<String, Object>> parse(String json) {
        if (json.isBlank()) {
            return List.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException("ip -j printed JSON that does not parse: " + json, e);
        }
    }

    @Test
    void learnedRoutesAndBlackholesAppearWithProto83AndReadBackUnchanged() {
        KernelRoutes kr = kernelRoutes();
        ApplyResult first = kr.apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2"),
                learned("172.16.0.0/16", "10.0.0.4"), learned("172.16.0.0/16", "10.0.0.3"),
                learned("fd00:65:1::/122", "fd00:10::2"), learned("fd00:66::/122", "fd00:10::3"),
                learned("fd00:66::/122", "fd00:10::2")), List.of(IPIP_NEVER_POOL),
                List.of("10.65.0.0/26", "10.65.0.99/32", "fd00:65::/122")));
        assertOk(first);
        assertEquals(6, first.writes());
        assertEquals(List.of("blackhole 10.65.0.0/26", "10.65.1.0/26 via 10.0.0.2 dev bgp0",
                "172.16.0.0/16 nexthop via 10.0.0.3 dev bgp0 nexthop via 10.0.0.4 dev bgp0",
                "blackhole fd00:65::/122", "fd00:65:1::/122 via fd00:10::2 dev bgp0",
                "fd00:66::/122 nexthop via fd00:10::2 dev bgp0 nexthop via fd00:10::3 dev bgp0"), routes("83"));

        kr.queueResync();
        ApplyResult resync = kr.apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2"),
                learned("172.16.0.0/16", "10.0.0.3"), learned("172.16.0.0/16", "10.0.0.4"),
                learned("fd00:65:1::/122", "fd00:10::2"), learned("fd00:66::/122", "fd00:10::2"),
                learned("fd00:66::/122", "fd00:10::3")), List.of(IPIP_NEVER_POOL),
                List.of("10.65.0.0/26", "10.65.0.99/32", "fd00:65::/122")));
        assertOk(resync);
        assertEquals(0, resync.writes(), "every route reads back as written, the multipath one too");
    }

    @Test
    void aRouteNoLongerWantedDisappearsAndTheOthersStay() {
        KernelRoutes kr = kernelRoutes();
        assertOk(kr.apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "10.0.0.3"),
                learned("fd00:65:2::/122", "fd00:10::3")), List.of(IPIP_NEVER_POOL), List.of("10.65.0.0/26"))));

        ApplyResult r = kr.apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2")), List.of(IPIP_NEVER_POOL),
                List.of()));
        assertOk(r);
        assertEquals(3, r.writes());
        assertEquals(List.of("10.65.1.0/26 via 10.0.0.2 dev bgp0"), routes("83"));
    }

    @Test
    void aRestartedInstanceAdoptsItsRoutesWithoutTouchingThemAndRemovesStaleOnes() throws Exception {
        KernelWants before = wants(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "10.0.0.3"),
                learned("10.65.3.0/26", "10.0.0.4"), learned("fd00:65:1::/122", "fd00:10::2")),
                List.of(IPIP_NEVER_POOL), List.of("10.65.0.0/26", "fd00:65::/122"));
        assertOk(kernelRoutes().apply(before));

        // The restarted service: a new instance on a new netlink handle, with no memory of the last run.
        KernelRoutes restarted = kernelRoutes();
        KernelWants after = wants(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "10.0.0.3"),
                learned("fd00:65:1::/122", "fd00:10::2")), List.of(IPIP_NEVER_POOL),
                List.of("10.65.0.0/26", "fd00:65::/122"));
        List<String> touched;
        ApplyResult r;
        try (RouteMonitor monitor = RouteMonitor.start(ns, DEV)) {
            r = restarted.apply(after);
            touched = monitor.linesUntilMarker();
        }
        assertOk(r);
        assertEquals(1, r.writes(), r.summary());
        assertEquals(1, touched.size(), "only the stale route changes; the kernel saw: " + touched);
        assertTrue(touched.get(0).startsWith("Deleted 10.65.3.0/26 via 10.0.0.4"), touched.get(0));
        assertEquals(List.of("blackhole 10.65.0.0/26", "10.65.1.0/26 via 10.0.0.2 dev bgp0",
                "10.65.2.0/26 via 10.0.0.3 dev bgp0", "blackhole fd00:65::/122",
                "fd00:65:1::/122 via fd00:10::2 dev bgp0"), routes("83"));
    }

    @Test
    void foreignRoutesAreNeverTouchedEvenAtADestinationWeWant() {
        ns.ip("route", "add", "10.65.1.0/26", "via", "10.0.0.9", "proto", "static");
        ns.ip("route", "add", "10.77.0.0/16", "via", "10.0.0.9", "proto", "static");
        ns.ip("-6", "route", "add", "fd00:77::/64", "via", "fd00:10::9", "proto", "static");
        List<String> foreign = routes("static");

        KernelRoutes kr = kernelRoutes();
        ApplyResult r = kr.apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2"), learned("10.65.2.0/26", "10.0.0.2")),
                List.of(IPIP_NEVER_POOL), List.of()));
        assertEquals(1, r.writes(), r.summary());
        assertEquals(1, r.failures().size(), r.summary());
        assertTrue(r.failures().get(0).error().contains("installed by proto 4"), r.summary());
        assertEquals(List.of("10.65.2.0/26 via 10.0.0.2 dev bgp0"), routes("83"));
        assertEquals(foreign, routes("static"));

        kr.queueResync();
        assertOk(kr.apply(KernelWants.NOTHING));
        assertEquals(List.of(), routes("83"));
        assertEquals(foreign, routes("static"));
    }

    @Test
    void withoutTunl0AnIpipRouteIsReportedAndTheRestIsInstalled() {
        assumeTrue(ns.ip("-j", "link", "show").indexOf("\"tunl0\"") < 0,
                "this kernel has the ipip module (tunl0 in every namespace); the tunl0-less case needs a kernel without");
        PoolFacts ipip = new PoolFacts(Cidr.parse("10.65.0.0/16"), EncapMode.ALWAYS, EncapMode.NEVER, false);
        ApplyResult r = kernelRoutes().apply(wants(List.of(learned("10.65.1.0/26", "10.0.0.2"),
                learned("172.16.0.0/16", "10.0.0.2")), List.of(ipip), List.of("10.65.0.0/26")));
        assertEquals(2, r.writes(), r.summary());
        assertEquals(1, r.failures().size(), r.summary());
        assertEquals("10.65.1.0/26 via 10.0.0.2", r.failures().get(0).object());
        assertTrue(r.failures().get(0).error().startsWith("tunl0 does not exist"), r.summary());
        assertEquals(List.of("blackhole 10.65.0.0/26", "172.16.0.0/16 via 10.0.0.2 dev bgp0"), routes("83"));
    }
}
