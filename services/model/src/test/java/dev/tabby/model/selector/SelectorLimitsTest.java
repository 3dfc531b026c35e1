package dev.tabby.model.selector;

import static dev.tabby.model.selector.TestLabels.labels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pathological input must fail fast with a clear error, never with a StackOverflowError. */
class SelectorLimitsTest {

    @Test
    void hundredLevelsOfParenthesesAreAllowed() {
        String text = "(".repeat(100) + "has(a)" + ")".repeat(100);
        Selector selector = Selector.parse(text);
        assertEquals("has(a)", selector.toString());
        assertTrue(selector.matches(labels("a=1")));
    }

    @Test
    void hundredNestedNegatedGroupsEvaluateAndPrint() {
        String text = "!(".repeat(99) + "has(a) && has(b)" + ")".repeat(99);
        Selector selector = Selector.parse(text);
        assertEquals("!(has(a) && has(b))", selector.toString());
        assertFalse(selector.matches(labels("a=1", "b=2")));
    }

    @Test
    void extremeNestingIsRejectedWithoutOverflowingTheStack() {
        String text = "(".repeat(200_000) + "has(a)" + ")".repeat(200_000);
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse(text));
        assertEquals(100, e.position());
        assertEquals("parentheses nested more than 100 deep", e.reason());
        assertTrue(e.getMessage().length() < 400, "message is bounded");
    }

    @Test
    void longRunsOfNegationAreFolded() {
        assertEquals("!has(a)", Selector.parse("!".repeat(200_001) + "has(a)").toString());
        assertEquals("has(a)", Selector.parse("!".repeat(200_000) + "has(a)").toString());
    }

    @Test
    void longFlatConjunctionsParseWithoutRecursion() {
        StringBuilder text = new StringBuilder("has(k0)");
        for (int i = 1; i < 20_000; i++) {
            text.append(" && has(k").append(i).append(')');
        }
        Selector selector = Selector.parse(text.toString());
        assertEquals(selector, Selector.parse(selector.toString()));
        assertFalse(selector.matches(labels("k0=x")));
    }

    @Test
    void hugeUnterminatedStringFailsFast() {
        String text = "a == \"" + "x".repeat(2_000_000);
        SelectorException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(SelectorException.class, () -> Selector.parse(text)));
        assertEquals(5, e.position());
    }
}
