package dev.tabby.model.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad selector is rejected with the exact position and reason. */
class SelectorErrorTest {

    private static final String OPERATORS = "==, !=, in, not in, contains, starts with or ends with";

    static Stream<Arguments> table() {
        String longKey = "a".repeat(513);
        String deep = "(".repeat(101) + "has(a)" + ")".repeat(101);
        return Stream.of(
                // Strings.
                Arguments.of("app == ", 7, "expected a quoted string after '==' but found end of selector"),
                Arguments.of("a == b", 5, "expected a quoted string after '==' but found 'b'"),
                Arguments.of("a == \"b", 5, "unterminated string (no closing \")"),
                Arguments.of("a in {'x', 'y}", 11, "unterminated string (no closing ')"),
                Arguments.of("a contains ", 11, "expected a quoted string after 'contains' but found end of selector"),
                // Operators.
                Arguments.of("a = \"b\"", 2, "unknown operator '=' after label key 'a'; did you mean '=='?"),
                Arguments.of("a ! \"b\"", 2, "unknown operator '!' after label key 'a'; did you mean '!='?"),
                Arguments.of("a ~= \"b\"", 2,
                        "expected an operator (" + OPERATORS + ") after label key 'a' but found '~'"),
                Arguments.of("a inside {\"b\"}", 2,
                        "unknown operator 'inside' after label key 'a'; expected " + OPERATORS),
                Arguments.of("a", 1,
                        "expected an operator (" + OPERATORS + ") after label key 'a' but found end of selector"),
                Arguments.of("a not {\"b\"}", 6, "expected 'in' after 'not' but found '{'"),
                Arguments.of("a starts \"x\"", 9, "expected 'with' after 'starts' but found a quoted string"),
                Arguments.of("a ends by \"x\"", 7, "expected 'with' after 'ends' but found 'by'"),
                // Sets.
                Arguments.of("a in \"b\"", 5, "expected '{' after 'in' but found a quoted string"),
                Arguments.of("a not in (\"b\")", 9, "expected '{' after 'not in' but found '('"),
                Arguments.of("a in {\"b\" \"c\"}", 10, "expected ',' or '}' in set but found a quoted string"),
                Arguments.of("a in {\"b\",", 10, "expected a quoted string or '}' in set but found end of selector"),
                Arguments.of("a in {,}", 6, "expected a quoted string or '}' in set but found ','"),
                Arguments.of("a in {\"b\"", 9, "expected ',' or '}' in set but found end of selector"),
                // has(), all(), global().
                Arguments.of("has()", 4, "expected a label key inside has() but found ')'"),
                Arguments.of("has(a b)", 6, "expected ')' after the label key in has() but found 'b'"),
                Arguments.of("has(a", 5, "expected ')' after the label key in has() but found end of selector"),
                Arguments.of("all(x)", 4, "expected ')' after 'all(' but found 'x'"),
                Arguments.of("global(", 7, "expected ')' after 'global(' but found end of selector"),
                // Parentheses and boolean operators.
                Arguments.of("(a == \"b\"", 0, "unbalanced parenthesis: '(' is never closed"),
                Arguments.of("((has(a))", 0, "unbalanced parenthesis: '(' is never closed"),
                Arguments.of("a == \"b\")", 8, "unbalanced parenthesis: ')' has no matching '('"),
                Arguments.of("(a == \"b\" c)", 10, "expected '&&', '||' or ')' but found 'c'"),
                Arguments.of("a == \"b\" c == \"d\"", 9, "expected '&&', '||' or end of selector but found 'c'"),
                Arguments.of("a == \"b\" & c == \"d\"", 9, "expected '&&' but found a single '&'"),
                Arguments.of("a == \"b\" | c == \"d\"", 9, "expected '||' but found a single '|'"),
                Arguments.of("a == \"b\" &&", 11, "expected an expression after '&&' but found end of selector"),
                Arguments.of("|| a == \"b\"", 0, "expected an expression at start of selector but found '||'"),
                Arguments.of("!", 1, "expected an expression after '!' but found end of selector"),
                Arguments.of("()", 1, "expected an expression after '(' but found ')'"),
                Arguments.of("\"a\" == \"b\"", 0, "expected an expression at start of selector but found a quoted string"),
                Arguments.of("a == \"b\" || != \"c\"", 12, "expected an expression after '||' but found '!='"),
                Arguments.of("a == \"b\" && \u00fc == \"c\"", 12, "expected an expression after '&&' but found '\u00fc'"),
                Arguments.of("a\u0000 == \"b\"", 1,
                        "expected an operator (" + OPERATORS + ") after label key 'a' but found character U+0000"),
                Arguments.of(deep, 100, "parentheses nested more than 100 deep"),
                // Label keys: only their length is limited, as Calico's tokenizer limits it.
                Arguments.of(longKey + " == \"x\"", 512,
                        "invalid label key '" + "a".repeat(80) + "...': longer than 512 characters"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("table")
    void rejectsWithPositionAndReason(String selector, int position, String reason) {
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse(selector));
        assertEquals(reason, e.reason());
        assertEquals(position, e.position());
        if (selector.length() <= 256 && selector.chars().noneMatch(Character::isISOControl)) {
            assertEquals("\"" + selector + "\" : " + reason + " at column " + (position + 1), e.getMessage());
        }
    }

    @Test
    void messageMatchesTheDocumentedShape() {
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse("app == "));
        assertEquals("\"app == \" : expected a quoted string after '==' but found end of selector at column 8",
                e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void messageStaysOnOneLineWithAlignedColumns() {
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse("a ==\n"));
        assertEquals("\"a == \" : expected a quoted string after '==' but found end of selector at column 6",
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void longSelectorIsCutShortInTheMessageButNotInThePosition() {
        String selector = "has(a) && ".repeat(30) + "b ==";
        SelectorException e = assertThrows(SelectorException.class, () -> Selector.parse(selector));
        assertEquals(selector.length(), e.position());
        assertEquals("\"" + selector.substring(0, 256) + "...\" : " + e.reason() + " at column "
                + (selector.length() + 1), e.getMessage());
    }
}
