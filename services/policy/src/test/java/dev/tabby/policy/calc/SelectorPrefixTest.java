package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Prefixing label keys (libcalico-go parser.PrefixVisitor) on the canonical text. */
class SelectorPrefixTest {

    static final List<String> SELECTORS = List.of(
            "all()", "global()", "has(a)", "!has(a)", "a == 'x'", "a != 'x'", "a contains 'y'", "a starts with 'x'",
            "a ends with 'z'", "a in {'x', 'w'}", "a not in {'x'}", "a == 'x' && has(b) || !(c in {'1'})",
            // Keys named like operators, values that look like keys or operators.
            "in in {'in'}", "not not in {'not'}", "contains contains 'contains'", "a == 'b == c'", "a == \"it's\"",
            "has == 'has(x)'", "projectcalico.org/namespace == 'ns'");

    static final List<Map<String, String>> LABELS = List.of(
            Map.of(), Map.of("a", "x"), Map.of("a", "xyz", "b", ""), Map.of("c", "1"), Map.of("in", "in"),
            Map.of("not", "x"), Map.of("contains", "contains"), Map.of("a", "b == c"), Map.of("a", "it's"),
            Map.of("has", "has(x)"), Map.of("projectcalico.org/namespace", "ns"), Map.of("a", "w", "c", "2"));

    @Test
    void prefixedSelectorOnPrefixedLabelsAgreesWithOriginal() {
        for (String s : SELECTORS) {
            Selector original = Selector.parse(s);
            Selector prefixed = Selector.parse(SelectorPrefix.attach(s, "pcns."));
            for (Map<String, String> labels : LABELS) {
                Map<String, String> p = new HashMap<>();
                labels.forEach((k, v) -> p.put("pcns." + k, v));
                assertEquals(original.matches(labels), prefixed.matches(p), s + " on " + labels);
            }
        }
    }

    @Test
    void textMatchesCalicosPrinting() {
        assertEquals("pcns.in in {\"in\"}", SelectorPrefix.attach("in in {'in'}", "pcns."));
        assertEquals("(!has(pcns.key) || (has(pcns.key) && !pcns.key in {\"value\"}))",
                SelectorPrefix.attach("!has(key) || (has(key) && !key in {'value'})", "pcns."));
        assertEquals("all()", SelectorPrefix.attach("", "pcns."));
        assertEquals("pcns.a == \"b == c\"", SelectorPrefix.attach("a == 'b == c'", "pcns."));
    }
}
