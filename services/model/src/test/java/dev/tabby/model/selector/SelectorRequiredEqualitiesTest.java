package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorRequiredEqualitiesTest {
    @Test
    void onlyTermsEveryMatchMustSatisfy() {
        assertEquals(Map.of("app", "db"), Selector.parse("app == 'db'").requiredEqualities());
        assertEquals(Map.of("app", "db", "tier", "back"),
                Selector.parse("app == 'db' && tier == 'back' && has(env)").requiredEqualities());
        assertTrue(Selector.parse("app == 'db' || tier == 'back'").requiredEqualities().isEmpty(), "a disjunction");
        assertTrue(Selector.parse("!(app == 'db')").requiredEqualities().isEmpty(), "a negation");
        assertTrue(Selector.parse("app != 'db'").requiredEqualities().isEmpty());
        assertTrue(Selector.ALL.requiredEqualities().isEmpty());
    }

    @Test
    void everyMatchSatisfiesThem() {
        int checked = 0;
        for (long seed = 1; seed <= 300; seed++) {
            RandomSelectors gen = new RandomSelectors(seed);
            Selector s = Selector.of(gen.node((int) (1 + seed % 4)));
            for (int i = 0; i < 50; i++) {
                Map<String, String> labels = gen.labels();
                if (s.matches(labels)) {
                    s.requiredEqualities().forEach((k, v) -> assertEquals(v, labels.get(k), s + " matched " + labels));
                    checked += s.requiredEqualities().size();
                }
            }
        }
        assertTrue(checked > 0, "some matches had required terms to check");
    }
}
