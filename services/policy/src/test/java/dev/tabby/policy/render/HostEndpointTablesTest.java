package dev.tabby.policy.render;

import dev.tabby.model.selector.Selector;
import dev.tabby.policy.calc.CalicoPolicy;
import dev.tabby.policy.calc.PolicyResolver.Resolution;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which host endpoint chains land in which table, as felix dataplane/linux/endpoint_mgr.go updateHostEndpoints
 * programs them (the empty case is endpoint_mgr_test.go expectEmptyChains; the rest follows the Go code).
 */
class HostEndpointTablesTest {
    static final EndpointChains.Config CONFIG = EndpointChains.Config.defaults(new Marks(0x8, 0x10, 0x20, 0x40));
    static final HostEndpointTables TABLES = new HostEndpointTables(CONFIG, List.of("cali"));
    static final HostEndpointChains CHAINS = new HostEndpointChains(CONFIG);

    static CalicoPolicy policy(String name) {
        return new CalicoPolicy(name, null, null, Selector.parse("all()"), true, true, List.of(), List.of(),
                false, false, false);
    }

    static Resolution resolution(List<String> in, List<String> out, List<String> fwdIn, List<String> fwdOut,
                                 List<String> dntIn, List<String> dntOut, List<String> preDnat, List<String> profiles) {
        return new Resolution(policies(in), policies(out), policies(fwdIn), policies(fwdOut), policies(dntIn),
                policies(dntOut), policies(preDnat), profiles);
    }

    static List<CalicoPolicy> policies(List<String> names) {
        return names.stream().map(HostEndpointTablesTest::policy).toList();
    }

    static List<String> names(List<Chain> chains) {
        return chains.stream().map(Chain::name).toList();
    }

    static Chain find(List<Chain> chains, String name) {
        return chains.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
                () -> new AssertionError(name + " not in " + names(chains)));
    }

    static IptRule in(String iface, String target) {
        return new IptRule(List.of("--in-interface " + iface), "--goto " + target);
    }

    static IptRule out(String iface, String target) {
        return new IptRule(List.of("--out-interface " + iface), "--goto " + target);
    }

    static IptRule go(String target) {
        return new IptRule(List.of(), "--goto " + target);
    }

    static final IptRule SKIP_WORKLOADS = new IptRule(List.of("--out-interface cali+"), "--jump RETURN",
            List.of("Skip egress WHEP policy for traffic to local workload"));

    /** endpoint_mgr_test.go expectEmptyChains: empty dispatch chains in every table, no endpoint chains. */
    @Test
    void noHostEndpointsGivesEmptyDispatchChains() {
        HostEndpointTables.Tables t = TABLES.render(Map.of());
        assertEquals(List.of(new Chain("cali-from-host-endpoint", List.of()), new Chain("cali-to-host-endpoint", List.of()),
                new Chain("cali-from-hep-forward", List.of()), new Chain("cali-to-hep-forward", List.of())), t.filter());
        assertEquals(List.of(new Chain("cali-from-host-endpoint", List.of()), new Chain("cali-to-host-endpoint", List.of())),
                t.mangle());
        assertEquals(List.of(new Chain("cali-from-host-endpoint", List.of()), new Chain("cali-to-host-endpoint", List.of())),
                t.raw());
    }

    @Test
    void namedEndpointsAndWildcardLandInTheirTables() {
        Map<String, Resolution> byIface = new LinkedHashMap<>();
        byIface.put("eth1", resolution(List.of("fwd"), List.of(), List.of("fwd"), List.of(), List.of("dnt"),
                List.of("dnt"), List.of("pre"), List.of()));
        byIface.put("*", resolution(List.of(), List.of("wild"), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of()));
        byIface.put("eth0", resolution(List.of("polA"), List.of("polA"), List.of(), List.of(), List.of(), List.of(),
                List.of(), List.of("prof")));
        HostEndpointTables.Tables t = TABLES.render(byIface);

        String thfwAll = EndpointChains.chainName("cali-thfw-", "any-interface-at-all");
        String fhfwAll = EndpointChains.chainName("cali-fhfw-", "any-interface-at-all");
        assertEquals(List.of(
                "cali-th-any-interface-at-all", "cali-fh-any-interface-at-all", thfwAll, fhfwAll,
                "cali-th-eth0", "cali-fh-eth0", "cali-thfw-eth0", "cali-fhfw-eth0",
                "cali-th-eth1", "cali-fh-eth1", "cali-thfw-eth1", "cali-fhfw-eth1",
                "cali-from-host-endpoint", "cali-to-host-endpoint", "cali-from-hep-forward", "cali-to-hep-forward"),
                names(t.filter()));
        for (Chain c : t.filter()) {
            assertTrue(c.name().length() <= ChainNames.MAX_CHAIN_NAME_LENGTH, c.name());
        }
        assertEquals(CHAINS.filter("eth0", List.of("polA"), List.of("polA"), List.of(), List.of(), List.of("prof")),
                t.filter().subList(4, 8));
        assertEquals(CHAINS.filter("eth1", List.of("fwd"), List.of(), List.of("fwd"), List.of(), List.of()),
                t.filter().subList(8, 12));
        // The wildcard is the default of the filter dispatch; no skip of workload traffic in filter (applyOnForward).
        assertEquals(List.of(in("eth0", "cali-fh-eth0"), in("eth1", "cali-fh-eth1"), go("cali-fh-any-interface-at-all")),
                find(t.filter(), "cali-from-host-endpoint").rules());
        assertEquals(List.of(out("eth0", "cali-th-eth0"), out("eth1", "cali-th-eth1"), go("cali-th-any-interface-at-all")),
                find(t.filter(), "cali-to-host-endpoint").rules());
        assertEquals(List.of(in("eth0", "cali-fhfw-eth0"), in("eth1", "cali-fhfw-eth1"), go(fhfwAll)),
                find(t.filter(), "cali-from-hep-forward").rules());
        assertEquals(List.of(out("eth0", "cali-thfw-eth0"), out("eth1", "cali-thfw-eth1"), go(thfwAll)),
                find(t.filter(), "cali-to-hep-forward").rules());

        // mangle: every endpoint's egress chain, eth1's pre-DNAT chain; pre-DNAT dispatch only over eth1, and no
        // default there because the wildcard has no pre-DNAT policy.
        assertEquals(List.of("cali-th-any-interface-at-all", "cali-th-eth0", "cali-th-eth1", "cali-fh-eth1",
                "cali-from-host-endpoint", "cali-to-host-endpoint"), names(t.mangle()));
        assertEquals(CHAINS.mangleEgress("any-interface-at-all", List.of("wild"), List.of()).get(0), t.mangle().get(0));
        assertEquals(CHAINS.mangleIngress("eth1", List.of("pre")).get(0), t.mangle().get(3));
        assertEquals(List.of(in("eth1", "cali-fh-eth1")), t.mangle().get(4).rules());
        assertEquals(List.of(out("eth0", "cali-th-eth0"), out("eth1", "cali-th-eth1"), SKIP_WORKLOADS,
                go("cali-th-any-interface-at-all")), t.mangle().get(5).rules());

        // raw: only eth1 has doNotTrack policy.
        List<Chain> raw = new ArrayList<>(CHAINS.raw("eth1", List.of("dnt"), List.of("dnt")));
        raw.add(new Chain("cali-from-host-endpoint", List.of(in("eth1", "cali-fh-eth1"))));
        raw.add(new Chain("cali-to-host-endpoint", List.of(out("eth1", "cali-th-eth1"))));
        assertEquals(raw, t.raw());
    }

    /**
     * As in Felix v3.18, pre-DNAT policy on the wildcard becomes the mangle from-dispatch default, but doNotTrack
     * policy on it is dispatched by the literal name any-interface-at-all, which no interface has.
     */
    @Test
    void wildcardPreDnatIsTheDefaultButWildcardUntrackedNeverMatches() {
        HostEndpointTables.Tables t = TABLES.render(Map.of("*", resolution(List.of(), List.of(), List.of(), List.of(),
                List.of("dnt"), List.of(), List.of("pre"), List.of())));
        assertEquals(List.of(go("cali-fh-any-interface-at-all")), find(t.mangle(), "cali-from-host-endpoint").rules());
        assertEquals(List.of(SKIP_WORKLOADS, go("cali-th-any-interface-at-all")),
                find(t.mangle(), "cali-to-host-endpoint").rules());
        assertEquals(List.of(in("any-interface-at-all", "cali-fh-any-interface-at-all")),
                find(t.raw(), "cali-from-host-endpoint").rules());
        assertEquals(List.of("cali-th-any-interface-at-all", "cali-fh-any-interface-at-all", "cali-from-host-endpoint",
                "cali-to-host-endpoint"), names(t.raw()));
    }
}
