package dev.tabby.policy.calc;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tabby.policy.calc.Fixtures.ALLOW;
import static dev.tabby.policy.calc.Fixtures.gnp;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A label or policy change reports only the endpoints whose policy lists it changes. */
class ActivePoliciesTest {

    @Test
    void labelChangeTouchesOnlyThatEndpoint() {
        ActivePolicies a = new ActivePolicies();
        a.putPolicy(CalicoPolicy.of(gnp("web", 10.0, "role == 'web'", null, List.of(ALLOW), null)));
        a.putPolicy(CalicoPolicy.of(gnp("db", 20.0, "role == 'db'", null, List.of(ALLOW), null)));
        assertEquals(Set.of("w1"), a.putEndpoint("w1", Map.of("role", "web"), List.of("kns.shop")));
        assertEquals(Set.of("w2"), a.putEndpoint("w2", Map.of("role", "web"), List.of("kns.shop")));
        assertEquals(Set.of("web"), a.activePolicies());
        // Same labels again: nothing to do.
        assertEquals(Set.of(), a.putEndpoint("w1", Map.of("role", "web"), List.of("kns.shop")));
        // A label that no selector reads: nothing to do.
        assertEquals(Set.of(), a.putEndpoint("w1", Map.of("role", "web", "color", "blue"), List.of("kns.shop")));
        // w1 becomes a db: only w1 changes; both policies now active.
        assertEquals(Set.of("w1"), a.putEndpoint("w1", Map.of("role", "db"), List.of("kns.shop")));
        assertEquals(List.of("db"), a.resolution("w1").ingress().stream().map(CalicoPolicy::name).toList());
        assertEquals(Set.of("db", "web"), a.activePolicies());
        assertEquals(Set.of("kns.shop"), a.activeProfiles());
    }

    @Test
    void policyChangeTouchesOnlyTheEndpointsItSelects() {
        ActivePolicies a = new ActivePolicies();
        a.putEndpoint("w1", Map.of("role", "web"), List.of());
        a.putEndpoint("d1", Map.of("role", "db"), List.of());
        assertEquals(Set.of("d1"), a.putPolicy(CalicoPolicy.of(gnp("db", null, "role == 'db'", null, List.of(ALLOW), null))));
        // Re-putting an identical policy changes nothing.
        assertEquals(Set.of(), a.putPolicy(CalicoPolicy.of(gnp("db", null, "role == 'db'", null, List.of(ALLOW), null))));
        // Reordering it changes d1's resolution (the policy value is part of it) but not w1's.
        assertEquals(Set.of("d1"), a.putPolicy(CalicoPolicy.of(gnp("db", 5.0, "role == 'db'", null, List.of(ALLOW), null))));
        assertEquals(Set.of("d1"), a.removePolicy("db"));
        assertEquals(Set.of(), a.activePolicies());
        assertEquals(Set.of("w1"), a.removeEndpoint("w1"));
    }
}
