package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.NetworkSetSpec;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.WorkloadEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tabby.policy.calc.Fixtures.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Incremental selector IP set membership: a change yields only the members of the sets it changes. */
class IpSetIndexTest {
    static final Map<String, Profile> NO_PROFILES = Map.of();

    static WorkloadEndpoint web(String name, String ip, String role) {
        return Fixtures.wep("shop", name, Map.of("role", role), List.of(), null, List.of(ip + "/32"),
                List.of(new EndpointPort("http", Protocol.TCP, 8080)));
    }

    @Test
    void labelChangeMovesOneMemberBetweenSetsAndTouchesNoOther() {
        IpSetIndex idx = new IpSetIndex();
        IpSetSpec web = IpSetSpec.forSelector(Selector.parse("role == 'web'"));
        IpSetSpec db = IpSetSpec.forSelector(Selector.parse("role == 'db'"));
        IpSetSpec unrelated = IpSetSpec.forSelector(Selector.parse("has(other)"));
        WorkloadEndpoint a = web("a", "10.0.0.1", "web");
        idx.putItem(IpSetItem.key(a), IpSetItem.of(a, NO_PROFILES));
        assertEquals(new IpSetDelta(web.id(), Set.of("10.0.0.1/32"), Set.of()), idx.addSet(web));
        assertEquals(new IpSetDelta(db.id(), Set.of(), Set.of()), idx.addSet(db));
        idx.addSet(unrelated);

        WorkloadEndpoint aAsDb = web("a", "10.0.0.1", "db");
        List<IpSetDelta> deltas = idx.putItem(IpSetItem.key(aAsDb), IpSetItem.of(aAsDb, NO_PROFILES));
        assertEquals(List.of(new IpSetDelta(web.id(), Set.of(), Set.of("10.0.0.1/32")),
                new IpSetDelta(db.id(), Set.of("10.0.0.1/32"), Set.of())), deltas);
        // The same update again changes nothing.
        assertEquals(List.of(), idx.putItem(IpSetItem.key(aAsDb), IpSetItem.of(aAsDb, NO_PROFILES)));
        assertEquals(Set.of(), idx.members(web.id()));
        assertEquals(Set.of("10.0.0.1/32"), idx.members(db.id()));
        // The view the renderer copies holds the same members, and cannot change the index.
        assertEquals(idx.members(db.id()), idx.memberView(db.id()));
        assertEquals(Set.of(), idx.memberView("no-such-set"));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> idx.memberView(db.id()).remove("10.0.0.1/32"));
    }

    @Test
    void anItemNamingOneNetTwiceIsCountedOnceSoItsRemovalEmptiesTheSet() {
        IpSetIndex idx = new IpSetIndex();
        IpSetItem twice = new IpSetItem(java.util.Map.of("role", "web"), List.of("10.0.0.1/32", "10.0.0.1/32"), null);
        idx.putItem("wep/ns/twice", twice);
        IpSetSpec web = IpSetSpec.forSelector(Selector.parse("role == 'web'"));
        assertEquals(new IpSetDelta(web.id(), Set.of("10.0.0.1/32"), Set.of()), idx.addSet(web));
        assertEquals(List.of(new IpSetDelta(web.id(), Set.of(), Set.of("10.0.0.1/32"))), idx.removeItem("wep/ns/twice"));
        assertEquals(Set.of(), idx.members(web.id()));
    }

    @Test
    void aMemberTwoItemsShareStaysUntilTheLastGoes() {
        IpSetIndex idx = new IpSetIndex();
        IpSetSpec all = IpSetSpec.forSelector(Selector.parse("has(role)"));
        idx.addSet(all);
        WorkloadEndpoint a = web("a", "10.0.0.1", "web");
        WorkloadEndpoint b = web("b", "10.0.0.1", "db");
        assertEquals(List.of(new IpSetDelta(all.id(), Set.of("10.0.0.1/32"), Set.of())),
                idx.putItem(IpSetItem.key(a), IpSetItem.of(a, NO_PROFILES)));
        assertEquals(List.of(), idx.putItem(IpSetItem.key(b), IpSetItem.of(b, NO_PROFILES)));
        assertEquals(List.of(), idx.removeItem(IpSetItem.key(a)));
        assertEquals(List.of(new IpSetDelta(all.id(), Set.of(), Set.of("10.0.0.1/32"))), idx.removeItem(IpSetItem.key(b)));
    }

    @Test
    void networkSetsContributeTheirNetsWithNamespaceLabels() {
        Map<String, Profile> profiles = Map.of("kns.shop",
                Fixtures.profile("kns.shop", Map.of("pcns.env", "prod"), null, null));
        IpSetIndex idx = new IpSetIndex();
        // A NetworkPolicy rule in "shop" selecting role == 'partner' (libcalico scoping), and a namespaceSelector one.
        IpSetSpec inShop = IpSetSpec.forSelector(Selector.parse(
                RuleConverter.entitySelector(RuleConverterTest.entity("role == 'partner'", null, null, null), "shop")));
        IpSetSpec prodNs = IpSetSpec.forSelector(Selector.parse(
                RuleConverter.entitySelector(RuleConverterTest.entity(null, null, "env == 'prod'", null), "shop")));
        IpSetSpec global = IpSetSpec.forSelector(Selector.parse("role == 'partner'"));
        idx.addSet(inShop);
        idx.addSet(prodNs);
        idx.addSet(global);
        NetworkSet ns = new NetworkSet(meta("shop", "partners", Map.of("role", "partner")),
                new NetworkSetSpec(List.of("192.0.2.0/24", "198.51.100.7")));
        GlobalNetworkSet gns = new GlobalNetworkSet(meta(null, "partners-global", Map.of("role", "partner")),
                new NetworkSetSpec(List.of("203.0.113.0/24")));
        idx.putItem(IpSetItem.key(ns), IpSetItem.of(ns, profiles));
        idx.putItem(IpSetItem.key(gns), IpSetItem.of(gns));
        assertEquals(Set.of("192.0.2.0/24", "198.51.100.7/32"), idx.members(inShop.id()));
        assertEquals(Set.of("192.0.2.0/24", "198.51.100.7/32"), idx.members(prodNs.id()));
        assertEquals(Set.of("192.0.2.0/24", "198.51.100.7/32", "203.0.113.0/24"), idx.members(global.id()));
    }

    @Test
    void namedPortSetsHoldIpProtocolPortOfMatchingEndpoints() {
        IpSetIndex idx = new IpSetIndex();
        IpSetSpec httpTcp = new IpSetSpec(Selector.parse("has(role)"), "http", "tcp");
        IpSetSpec httpUdp = new IpSetSpec(Selector.parse("has(role)"), "http", "udp");
        idx.addSet(httpTcp);
        idx.addSet(httpUdp);
        WorkloadEndpoint a = web("a", "10.0.0.1", "web");
        idx.putItem(IpSetItem.key(a), IpSetItem.of(a, NO_PROFILES));
        assertEquals(Set.of("10.0.0.1,tcp:8080"), idx.members(httpTcp.id()));
        assertEquals(Set.of(), idx.members(httpUdp.id()));
        // The port renamed: the member leaves.
        WorkloadEndpoint renamed = Fixtures.wep("shop", "a", Map.of("role", "web"), List.of(), null,
                List.of("10.0.0.1/32"), List.of(new EndpointPort("web", Protocol.TCP, 8080)));
        assertEquals(List.of(new IpSetDelta(httpTcp.id(), Set.of(), Set.of("10.0.0.1,tcp:8080"))),
                idx.putItem(IpSetItem.key(renamed), IpSetItem.of(renamed, NO_PROFILES)));
    }

    @Test
    void removedSetIsForgotten() {
        IpSetIndex idx = new IpSetIndex();
        IpSetSpec s = IpSetSpec.forSelector(Selector.ALL);
        idx.addSet(s);
        idx.removeSet(s.id());
        WorkloadEndpoint a = web("a", "10.0.0.1", "web");
        assertEquals(List.of(), idx.putItem(IpSetItem.key(a), IpSetItem.of(a, NO_PROFILES)));
        assertEquals(Set.of(), idx.setIds());
    }
}
