package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property tests over generated trees: print, re-parse, compare structure, text and evaluation
 * (against an independent reference evaluator); plus fuzzing the parser with random text.
 * Seeds are fixed so a failure is reproducible; each failure message names the seed.
 */
class SelectorRandomizedTest {

    private static final int TREES = 3000;
    private static final int LABEL_MAPS_PER_TREE = 20;

    @Test
    void canonicalTextRoundTripsAndEvaluatesIdentically() {
        for (int seed = 0; seed < TREES; seed++) {
            RandomSelectors gen = new RandomSelectors(seed);
            Node tree = gen.node(1 + seed % 5);
            Selector built = Selector.of(tree);
            String text = built.toString();

            Selector parsed = parse(text, seed);
            assertEquals(tree, parsed.root(), () -> "tree differs for " + text);
            assertEquals(built, parsed, () -> "selector differs for " + text);
            assertEquals(text, parsed.toString());
            assertEquals(built.hashCode(), parsed.hashCode());

            for (int i = 0; i < LABEL_MAPS_PER_TREE; i++) {
                Map<String, String> labels = gen.labels();
                boolean expected = reference(tree, labels);
                assertEquals(expected, built.matches(labels), () -> text + " on " + labels);
                assertEquals(expected, parsed.matches(labels), () -> text + " on " + labels);
            }
        }
    }

    @Test
    void noisyButEquivalentTextParsesToTheSameTree() {
        for (int seed = 0; seed < TREES; seed++) {
            RandomSelectors gen = new RandomSelectors(seed);
            Node tree = gen.node(1 + seed % 5);
            String noisy = gen.noisy(tree);
            Selector parsed = parse(noisy, seed);
            assertEquals(tree, parsed.root(), () -> "tree differs for " + noisy);
            assertEquals(Selector.of(tree), parsed);
        }
    }

    /** Random text must either parse (and round-trip) or fail with a SelectorException, never crash. */
    @Test
    void randomTextParsesOrFailsCleanly() {
        String[] pieces = {
            "a", "b", "k8s-app", "x/y", "/", ".", "-", "_", " ", "\t", "(", ")", "!", "&&", "&", "||", "|",
            "==", "=", "!=", "in", "not", "contains", "starts", "ends", "with", "{", "}", ",", "\"", "'",
            "\"v\"", "'w'", "has(", "all(", "global(", "@", "\u00fc",
        };
        Random random = new Random(42);
        int parsedCount = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String input = text.toString();
            try {
                Selector selector = Selector.parse(input);
                assertEquals(selector, Selector.parse(selector.toString()), input);
                parsedCount++;
            } catch (SelectorException e) {
                assertTrue(e.position() >= 0 && e.position() <= input.length(), () -> input + ": " + e);
                assertTrue(!e.reason().isEmpty() && !e.getMessage().contains("\n"), input);
            } catch (RuntimeException | StackOverflowError e) {
                fail("unexpected " + e + " for " + input);
            }
        }
        assertTrue(parsedCount > 100, "fuzzer should hit some valid selectors, got " + parsedCount);
    }

    private static Selector parse(String text, int seed) {
        try {
            return Selector.parse(text);
        } catch (SelectorException e) {
            throw new AssertionError("seed " + seed + " produced unparseable text: " + e.getMessage(), e);
        }
    }

    /** Calico's semantics, written independently of Node.eval (containsKey, not null checks). */
    private static boolean reference(Node node, Map<String, String> labels) {
        if (node instanceof Node.All || node instanceof Node.Global) {
            return true;
        }
        if (node instanceof Node.Has has) {
            return labels.containsKey(has.key());
        }
        if (node instanceof Node.Eq eq) {
            return labels.containsKey(eq.key()) && labels.get(eq.key()).equals(eq.value());
        }
        if (node instanceof Node.Ne ne) {
            return !labels.containsKey(ne.key()) || !labels.get(ne.key()).equals(ne.value());
        }
        if (node instanceof Node.Contains c) {
            return labels.containsKey(c.key()) && labels.get(c.key()).contains(c.value());
        }
        if (node instanceof Node.StartsWith s) {
            return labels.containsKey(s.key()) && labels.get(s.key()).startsWith(s.value());
        }
        if (node instanceof Node.EndsWith e) {
            return labels.containsKey(e.key()) && labels.get(e.key()).endsWith(e.value());
        }
        if (node instanceof Node.In in) {
            return labels.containsKey(in.key()) && in.values().sorted().contains(labels.get(in.key()));
        }
        if (node instanceof Node.NotIn notIn) {
            return !labels.containsKey(notIn.key()) || !notIn.values().sorted().contains(labels.get(notIn.key()));
        }
        if (node instanceof Node.Not not) {
            return !reference(not.operand(), labels);
        }
        if (node instanceof Node.And and) {
            return and.operands().stream().allMatch(n -> reference(n, labels));
        }
        if (node instanceof Node.Or or) {
            return or.operands().stream().anyMatch(n -> reference(n, labels));
        }
        throw new AssertionError("unknown node " + node);
    }
}
