package dev.tabby.model.selector;

import static dev.tabby.model.selector.TestLabels.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table of valid selectors, label sets and the result Calico gives for them. */
class SelectorMatchTest {

    private static Arguments row(String selector, boolean expected, String... labels) {
        return Arguments.of(selector, labels(labels), expected);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // Empty means all(); global() evaluates to true like all() (see Node.Global).
                row("", true),
                row("   ", true),
                row("\t\n ", true),
                row("all()", true),
                row("all()", true, "a=b"),
                row("all( )", true),
                row("global()", true),
                row("global()", true, "a=b"),
                row("!all()", false),
                row("!global()", false, "a=b"),
                // ==
                row("a == \"b\"", true, "a=b"),
                row("a == \"b\"", false, "a=c"),
                row("a == \"b\"", false),
                row("a == \"b\"", false, "b=b"),
                row("a == 'b'", true, "a=b"),
                row("a==\"b\"", true, "a=b"),
                row("a == \"\"", true, "a="),
                row("a == \"\"", false),
                row("a == \"B\"", false, "a=b"),
                // != is true when the label is absent.
                row("a != \"b\"", false, "a=b"),
                row("a != \"b\"", true, "a=c"),
                row("a != \"b\"", true),
                row("a != 'b'", true, "c=b"),
                // in / not in; not in is true when the label is absent.
                row("a in {\"b\", \"c\"}", true, "a=c"),
                row("a in {\"b\", \"c\"}", false, "a=d"),
                row("a in {\"b\", \"c\"}", false),
                row("a in {}", false, "a=b"),
                row("a in {\"\"}", true, "a="),
                row("a not in {\"b\", \"c\"}", false, "a=b"),
                row("a not in {\"b\", \"c\"}", true, "a=d"),
                row("a not in {\"b\", \"c\"}", true),
                row("a not in {}", true, "a=b"),
                row("a not in {}", true),
                row("a notin {'b'}", false, "a=b"),
                row("a in {'b',}", true, "a=b"),
                // has
                row("has(a)", true, "a=b"),
                row("has(a)", true, "a="),
                row("has(a)", false, "b=a"),
                row("has( a )", true, "a=x"),
                row("!has(a)", true),
                row("!has(a)", false, "a=x"),
                // contains / starts with / ends with are false when the label is absent.
                row("a contains \"ell\"", true, "a=hello"),
                row("a contains \"ell\"", false, "a=help"),
                row("a contains \"ell\"", false),
                row("a contains \"\"", true, "a=x"),
                row("a contains \"\"", false),
                row("a starts with \"he\"", true, "a=hello"),
                row("a starts with \"lo\"", false, "a=hello"),
                row("a starts with \"he\"", false),
                row("a startswith 'he'", true, "a=hello"),
                row("a starts   with \"he\"", true, "a=hello"),
                row("a ends with \"lo\"", true, "a=hello"),
                row("a ends with \"he\"", false, "a=hello"),
                row("a ends with \"lo\"", false),
                row("a endswith \"lo\"", true, "a=hello"),
                // '!' applies to the single test that follows it.
                row("!a == \"b\"", true),
                row("!a != \"b\"", false),
                row("!a in {\"b\"}", true),
                row("!a not in {\"b\"}", false),
                // Precedence: ! then && then ||.
                row("a == \"1\" || b == \"2\" && c == \"3\"", true, "a=1"),
                row("a == \"1\" || b == \"2\" && c == \"3\"", false, "b=2"),
                row("a == \"1\" || b == \"2\" && c == \"3\"", true, "b=2", "c=3"),
                row("(a == \"1\" || b == \"2\") && c == \"3\"", false, "a=1"),
                row("(a == \"1\" || b == \"2\") && c == \"3\"", true, "a=1", "c=3"),
                row("!has(a) && has(b)", true, "b=x"),
                row("!has(a) && has(b)", false, "a=x", "b=x"),
                row("!(has(a) && has(b))", true, "a=x"),
                row("!(has(a) && has(b))", false, "a=x", "b=x"),
                row("!has(a) || has(b)", true),
                row("!(has(a) || has(b))", false, "b=x"),
                row("!!has(a)", true, "a=x"),
                row("!!!has(a)", false, "a=x"),
                row("! ! has(a)", false),
                row("!(!has(a))", true, "a=x"),
                row("((((has(a)))))", true, "a=x"),
                row("has(a) && has(b) && has(c)", true, "a=1", "b=2", "c=3"),
                row("has(a) && has(b) && has(c)", false, "a=1", "b=2"),
                row("has(a) || has(b) || has(c)", true, "c=3"),
                row("has(a) || has(b) || has(c)", false, "d=4"),
                row("global() && has(a)", false),
                row("all() && !all()", false),
                // Realistic keys, with and without a DNS prefix.
                row("projectcalico.org/namespace == \"default\"", true, "projectcalico.org/namespace=default"),
                row("k8s-app == \"kube-dns\"", true, "k8s-app=kube-dns"),
                row("calico/k8s_ns == 'kube-system'", true, "calico/k8s_ns=kube-system"),
                row("pcns.kubernetes.io/metadata.name in {\"prod\", \"staging\"}", true,
                        "pcns.kubernetes.io/metadata.name=prod"),
                row("app.kubernetes.io/name starts with \"nginx\" && tier != \"db\"", true,
                        "app.kubernetes.io/name=nginx-ingress"),
                row("A_b.C-9 == \"x\"", true, "A_b.C-9=x"),
                // Values are opaque: operators, quotes of the other kind, non-ASCII.
                row("a == \"x y && z || (w)\"", true, "a=x y && z || (w)"),
                row("a == \"it's\"", true, "a=it's"),
                row("a == 'say \"hi\"'", true, "a=say \"hi\""),
                row("a == \"grüße\"", true, "a=grüße"),
                row("a in {\"\uD83D\uDE00\", 'x'}", true, "a=\uD83D\uDE00"),
                // Operator words are only keywords right after a label key.
                row("in == \"x\"", true, "in=x"),
                row("has == \"y\"", true, "has=y"),
                row("all == \"z\"", true, "all=z"),
                row("global != \"z\"", true),
                row("not not in {\"a\"}", true, "not=b"),
                row("contains contains \"x\"", true, "contains=axb"),
                // Any ASCII whitespace, or none where the grammar allows.
                row("\n\ta\r\n==\t'b'\n&&\fhas(c)  ", true, "a=b", "c="),
                row("a in{'x','y'}&&b notin{}", true, "a=y"));
    }

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @MethodSource("table")
    void matchesLikeCalico(String selector, Map<String, String> labels, boolean expected) {
        Selector parsed = Selector.parse(selector);
        assertEquals(expected, parsed.matches(labels));
        // The canonical form must mean the same thing.
        assertEquals(expected, Selector.parse(parsed.toString()).matches(labels));
    }

    @Test
    void nullMapHasNoLabels() {
        assertTrue(Selector.parse("a != \"b\"").matches(null));
        assertFalse(Selector.parse("has(a)").matches(null));
        assertTrue(Selector.ALL.matches(null));
    }

    @Test
    void keyMappedToNullIsAbsent() {
        Map<String, String> labels = new HashMap<>();
        labels.put("a", null);
        assertFalse(Selector.parse("has(a)").matches(labels));
        assertTrue(Selector.parse("a != \"x\"").matches(labels));
        assertTrue(Selector.parse("a not in {\"x\"}").matches(labels));
        assertFalse(Selector.parse("a contains \"\"").matches(labels));
    }
}
