package dev.tabby.policy.calc;

import dev.tabby.model.v3.GlobalNetworkPolicy;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tabby.policy.calc.Fixtures.ALLOW;
import static dev.tabby.policy.calc.Fixtures.gnp;
import static dev.tabby.policy.calc.Fixtures.meta;
import static dev.tabby.policy.calc.Fixtures.np;
import static dev.tabby.policy.calc.Fixtures.profile;
import static dev.tabby.policy.calc.Fixtures.wep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which policies apply to an endpoint and in what order (felix calc/policy_sorter.go, event_sequencer.go). */
class PolicyResolverTest {

    static List<String> names(List<CalicoPolicy> ps) {
        return ps.stream().map(CalicoPolicy::name).toList();
    }

    static final Map<String, String> WEB = Map.of("app", "web", Labels.NAMESPACE, "shop");

    @Test
    void orderedByOrderThenNameWithNoOrderLast() {
        List<CalicoPolicy> ps = new ArrayList<>(List.of(
                CalicoPolicy.of(gnp("zz-no-order", null, "all()", null, List.of(ALLOW), null)),
                CalicoPolicy.of(gnp("aa-no-order", null, "all()", null, List.of(ALLOW), null)),
                CalicoPolicy.of(gnp("b-100", 100.0, "all()", null, List.of(ALLOW), null)),
                CalicoPolicy.of(gnp("a-100", 100.0, "all()", null, List.of(ALLOW), null)),
                CalicoPolicy.of(gnp("c-5", 5.0, "all()", null, List.of(ALLOW), null)),
                CalicoPolicy.of(np("shop", "d-5.5", 5.5, "", null, List.of(ALLOW), null))));
        PolicyResolver.Resolution r = PolicyResolver.resolve(WEB, List.of(), ps);
        assertEquals(List.of("c-5", "shop/d-5.5", "a-100", "b-100", "aa-no-order", "zz-no-order"), names(r.ingress()));
        // Tie-break is Felix's key name: "shop/x" for a NetworkPolicy sorts among GNP names by that text.
        List<CalicoPolicy> tie = List.of(CalicoPolicy.of(gnp("t", 1.0, "", null, List.of(ALLOW), null)),
                CalicoPolicy.of(np("shop", "a", 1.0, "", null, List.of(ALLOW), null)));
        assertEquals(List.of("shop/a", "t"), names(PolicyResolver.resolve(WEB, List.of(), tie).ingress()));
    }

    @Test
    void networkPolicyAppliesOnlyInItsNamespace() {
        CalicoPolicy p = CalicoPolicy.of(np("shop", "web", null, "app == 'web'", null, List.of(ALLOW), null));
        assertEquals("(app == \"web\" && projectcalico.org/namespace == \"shop\")", p.selector().toString());
        assertEquals(List.of("shop/web"), names(PolicyResolver.resolve(WEB, List.of(), List.of(p)).ingress()));
        Map<String, String> otherNs = Map.of("app", "web", Labels.NAMESPACE, "bank");
        assertEquals(List.of(), PolicyResolver.resolve(otherNs, List.of(), List.of(p)).ingress());
        // A GlobalNetworkPolicy with the same selector applies in both.
        CalicoPolicy g = CalicoPolicy.of(gnp("web", null, "app == 'web'", null, List.of(ALLOW), null));
        assertEquals(List.of("web"), names(PolicyResolver.resolve(otherNs, List.of(), List.of(g)).ingress()));
    }

    @Test
    void typesDefaultFromTheRulesPresentAsLibcalicoDoes() {
        // Ingress rules only, or none at all: Ingress.
        CalicoPolicy in = CalicoPolicy.of(gnp("in", null, "", null, List.of(ALLOW), null));
        CalicoPolicy none = CalicoPolicy.of(gnp("none", null, "", null, null, null));
        // Egress rules only: Egress only.
        CalicoPolicy out = CalicoPolicy.of(gnp("out", null, "", null, null, List.of(ALLOW)));
        CalicoPolicy both = CalicoPolicy.of(gnp("both", null, "", null, List.of(ALLOW), List.of(ALLOW)));
        // Explicit types win: egress-only default deny with no rules.
        CalicoPolicy explicit = CalicoPolicy.of(gnp("explicit", null, "", List.of("Egress"), null, null));
        PolicyResolver.Resolution r = PolicyResolver.resolve(WEB, List.of(), List.of(in, none, out, both, explicit));
        assertEquals(List.of("both", "in", "none"), names(r.ingress()));
        assertEquals(List.of("both", "explicit", "out"), names(r.egress()));
        assertTrue(none.governsIngress());
        assertFalse(none.governsEgress());
    }

    @Test
    void doNotTrackPreDnatAndApplyOnForwardGoToTheirOwnLists() {
        GlobalNetworkPolicy untracked = new GlobalNetworkPolicy(meta(null, "untracked", null), new GlobalNetworkPolicy.Spec(
                null, "", null, List.of(ALLOW), List.of(ALLOW), true, null, true, null, null));
        GlobalNetworkPolicy preDnat = new GlobalNetworkPolicy(meta(null, "prednat", null), new GlobalNetworkPolicy.Spec(
                null, "", List.of("Ingress", "Egress"), List.of(ALLOW), null, null, true, true, null, null));
        GlobalNetworkPolicy forward = new GlobalNetworkPolicy(meta(null, "forward", null), new GlobalNetworkPolicy.Spec(
                null, "", null, List.of(ALLOW), null, null, null, true, null, null));
        PolicyResolver.Resolution r = PolicyResolver.resolve(WEB, List.of("kns.shop"), List.of(
                CalicoPolicy.of(untracked), CalicoPolicy.of(preDnat), CalicoPolicy.of(forward)));
        assertEquals(List.of("untracked"), names(r.untrackedIngress()));
        assertEquals(List.of("untracked"), names(r.untrackedEgress()));
        assertEquals(List.of("prednat"), names(r.preDnatIngress()));
        assertEquals(List.of("forward"), names(r.forwardIngress()));
        assertEquals(List.of("forward"), names(r.ingress()));
        assertEquals(List.of(), r.egress());
        assertEquals(List.of("kns.shop"), r.profiles());
    }

    @Test
    void selectorsSeeProfileLabelsServiceAccountAndNamespace() {
        Map<String, Profile> profiles = Map.of(
                "kns.shop", profile("kns.shop", Map.of("pcns.env", "prod", "team", "from-namespace"), null, null),
                "net-a", profile("net-a", Map.of("net", "a", "team", "from-net-a"), null, null),
                "net-b", profile("net-b", Map.of("net", "b", "tier", "gold"), null, null));
        WorkloadEndpoint w = Fixtures.wep("shop", "web1", Map.of("app", "web", "team", "own"), List.of("net-a", "net-b"),
                "frontend", List.of("10.0.0.1/32"), null);
        Map<String, String> labels = EndpointLabels.of(w, profiles);
        assertEquals("own", labels.get("team"));
        assertEquals("a", labels.get("net"));
        assertEquals("gold", labels.get("tier"));
        assertEquals("prod", labels.get("pcns.env"));
        assertEquals("shop", labels.get(Labels.NAMESPACE));
        assertEquals("frontend", labels.get(Labels.SERVICE_ACCOUNT));

        CalicoPolicy byProfileLabel = CalicoPolicy.of(gnp("by-net", null, "net == 'a' && tier == 'gold'", null, List.of(ALLOW), null));
        CalicoPolicy byNamespace = CalicoPolicy.of(new GlobalNetworkPolicy(meta(null, "by-ns", null),
                new GlobalNetworkPolicy.Spec(null, "", null, List.of(ALLOW), null, null, null, null, null, "env == 'prod'")));
        CalicoPolicy bySa = CalicoPolicy.of(new dev.tabby.model.v3.NetworkPolicy(meta("shop", "by-sa", null),
                new dev.tabby.model.v3.NetworkPolicy.Spec(null, "", null, List.of(ALLOW), null, "")));
        assertEquals(List.of("by-net", "by-ns", "shop/by-sa"),
                names(PolicyResolver.resolve(labels, List.of(), List.of(byProfileLabel, byNamespace, bySa)).ingress()));
        assertEquals("pcns.env == \"prod\"", byNamespace.selector().toString());
    }

    @Test
    void noMatchingPolicyLeavesOnlyTheProfiles() {
        CalicoPolicy p = CalicoPolicy.of(gnp("db-only", null, "app == 'db'", null, List.of(ALLOW), null));
        PolicyResolver.Resolution r = PolicyResolver.resolve(WEB, List.of("kns.shop", "ksa.shop.default"), List.of(p));
        assertEquals(List.of(), r.ingress());
        assertEquals(List.of(), r.egress());
        assertEquals(List.of("kns.shop", "ksa.shop.default"), r.profiles());
    }
}
