package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Canonical text is Calico's String() output and survives a parse round trip. */
class SelectorCanonicalFormTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("", "all()"),
                Arguments.of("  \t", "all()"),
                Arguments.of("all()", "all()"),
                Arguments.of("all( )", "all()"),
                Arguments.of("global(\t)", "global()"),
                Arguments.of("a=='b'", "a == \"b\""),
                Arguments.of("a != 'b'", "a != \"b\""),
                // No escapes exist, so a value with '"' must be printed in single quotes.
                Arguments.of("a == 'say \"hi\"'", "a == 'say \"hi\"'"),
                Arguments.of("a == \"it's\"", "a == \"it's\""),
                // Sets are de-duplicated and sorted by code point (Go's UTF-8 byte order).
                Arguments.of("a in {'c', \"b\", 'c'}", "a in {\"b\", \"c\"}"),
                Arguments.of("a in {}", "a in {}"),
                Arguments.of("a not in { }", "a not in {}"),
                Arguments.of("a notin{\"x\",}", "a not in {\"x\"}"),
                Arguments.of("a in {'b', 'a\"'}", "a in {'a\"', \"b\"}"),
                Arguments.of("a in {'a', '_', 'Z', '0'}", "a in {\"0\", \"Z\", \"_\", \"a\"}"),
                Arguments.of("a in {'\uD83D\uDE00', '\uFFFD'}", "a in {\"\uFFFD\", \"\uD83D\uDE00\"}"),
                Arguments.of("has( a )", "has(a)"),
                Arguments.of("a contains'x'", "a contains \"x\""),
                Arguments.of("a startswith 'x'", "a starts with \"x\""),
                Arguments.of("a starts \t with 'x'", "a starts with \"x\""),
                Arguments.of("a endswith 'x'", "a ends with \"x\""),
                // Groups are always parenthesised; explicit grouping is preserved, as in Calico.
                Arguments.of("has(a) && has(b) && has(c)", "(has(a) && has(b) && has(c))"),
                Arguments.of("(has(a) && has(b)) && has(c)", "((has(a) && has(b)) && has(c))"),
                Arguments.of("has(a) || has(b) && has(c)", "(has(a) || (has(b) && has(c)))"),
                Arguments.of("has(a) && has(b) || has(c)", "((has(a) && has(b)) || has(c))"),
                Arguments.of("global() || all()", "(global() || all())"),
                // Negations collapse in pairs.
                Arguments.of("!has(a)", "!has(a)"),
                Arguments.of("!!has(a)", "has(a)"),
                Arguments.of("! ! !has(a)", "!has(a)"),
                Arguments.of("!(!has(a))", "has(a)"),
                Arguments.of("!(!(!has(a)))", "!has(a)"),
                Arguments.of("!(has(a) || has(b))", "!(has(a) || has(b))"),
                Arguments.of("((has(a)))", "has(a)"),
                Arguments.of("!a == 'b'", "!a == \"b\""),
                Arguments.of("!(a == 'b')", "!a == \"b\""),
                Arguments.of("a in {'x'} && !(b not in {'y', 'x'} || c ends with '.')",
                        "(a in {\"x\"} && !(b not in {\"x\", \"y\"} || c ends with \".\"))"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("table")
    void printsCanonicalFormThatRoundTrips(String input, String canonical) {
        Selector parsed = Selector.parse(input);
        assertEquals(canonical, parsed.toString());
        Selector reparsed = Selector.parse(canonical);
        assertEquals(parsed, reparsed);
        assertEquals(parsed.hashCode(), reparsed.hashCode());
        assertEquals(canonical, reparsed.toString());
        assertEquals(parsed.root(), reparsed.root());
    }

    @Test
    void emptySelectorIsTheAllConstant() {
        assertSame(Selector.ALL, Selector.parse(""));
        assertSame(Selector.ALL, Selector.parse(" \n"));
        assertEquals("all()", Selector.ALL.toString());
        assertEquals(Selector.ALL, Selector.parse("all()"));
    }

    @Test
    void equalityIsByCanonicalForm() {
        assertEquals(Selector.parse("a in {'x','y'}"), Selector.parse("a in {\"y\", \"x\", \"y\"}"));
        assertNotEquals(Selector.parse("has(a)"), Selector.parse("has(b)"));
        // Calico keeps explicit grouping, so these differ textually though they are equivalent.
        assertNotEquals(Selector.parse("has(a) && has(b) && has(c)"),
                Selector.parse("(has(a) && has(b)) && has(c)"));
        assertNotEquals(Selector.parse("all()"), Selector.parse("global()"));
        assertNotEquals(Selector.ALL, null);
        assertNotEquals(Selector.ALL, "all()");
    }

    @Test
    void nullTextIsRejected() {
        assertThrows(NullPointerException.class, () -> Selector.parse(null));
    }
}
