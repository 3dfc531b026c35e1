package dev.tabby.model.selector;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for Calico's selector language:
 *
 * <pre>
 *   selector := [or] end
 *   or       := and ('||' and)*
 *   and      := unary ('&amp;&amp;' unary)*
 *   unary    := '!'* primary
 *   primary  := '(' or ')' | 'has(' key ')' | 'all(' ')' | 'global(' ')' | key test
 *   test     := ('==' | '!=' | 'contains' | 'starts with' | 'ends with') string
 *             | ('in' | 'not in') set
 *   set      := '{' [string (',' string)* [',']] '}'
 *   string   := '"' [^"]* '"' | "'" [^']* "'"
 * </pre>
 *
 * Whitespace may appear between any two elements. As in Calico, {@code notin}, {@code startswith}
 * and {@code endswith} are accepted spellings, a trailing comma is allowed in a set, and a run of
 * {@code !} collapses (an even number cancels out).
 *
 * <p>The only recursion is through parentheses, so capping their depth at {@link #MAX_DEPTH} bounds
 * the stack used here and by evaluation and printing of the resulting tree.
 */
final class Parser {

    static final int MAX_DEPTH = 100;

    private static final String OPERATORS = "==, !=, in, not in, contains, starts with or ends with";

    private final Cursor in;
    private int depth;

    private Parser(String text) {
        this.in = new Cursor(text);
    }

    static Node parse(String text) {
        return new Parser(text).parseSelector();
    }

    private Node parseSelector() {
        in.skipWhitespace();
        if (in.atEnd()) {
            return Node.All.INSTANCE;
        }
        Node root = parseOr("at start of selector");
        expectEndOf(-1);
        return root;
    }

    private Node parseOr(String context) {
        Node first = parseAnd(context);
        List<Node> operands = null;
        while (true) {
            in.skipWhitespace();
            if (!in.lookingAt("||")) {
                return operands == null ? first : new Node.Or(operands);
            }
            in.advance(2);
            if (operands == null) {
                operands = new ArrayList<>();
                operands.add(first);
            }
            operands.add(parseAnd("after '||'"));
        }
    }

    private Node parseAnd(String context) {
        Node first = parseUnary(context);
        List<Node> operands = null;
        while (true) {
            in.skipWhitespace();
            if (!in.lookingAt("&&")) {
                return operands == null ? first : new Node.And(operands);
            }
            in.advance(2);
            if (operands == null) {
                operands = new ArrayList<>();
                operands.add(first);
            }
            operands.add(parseUnary("after '&&'"));
        }
    }

    private Node parseUnary(String context) {
        in.skipWhitespace();
        boolean negated = false;
        // A loop rather than recursion: "!!!!...!" of any length cannot exhaust the stack.
        while (in.peek() == '!' && in.peek(1) != '=') {
            negated = !negated;
            in.advance(1);
            in.skipWhitespace();
            context = "after '!'";
        }
        Node operand = parsePrimary(context);
        if (!negated) {
            return operand;
        }
        // "!(!x)" is x. Folding it keeps toString() re-parseable to an equal tree: "!!x" would
        // otherwise print from Not(Not(x)) and re-parse as x.
        return operand instanceof Node.Not not ? not.operand() : new Node.Not(operand);
    }

    private Node parsePrimary(String context) {
        int c = in.peek();
        if (c == '(') {
            return parseGroup();
        }
        if (in.lookingAt("has(")) {
            return parseHas();
        }
        if (in.lookingAt("all(")) {
            expectEmptyCall("all");
            return Node.All.INSTANCE;
        }
        if (in.lookingAt("global(")) {
            expectEmptyCall("global");
            return Node.Global.INSTANCE;
        }
        if (LabelKeys.isKeyChar(c)) {
            return parseTest(readKey());
        }
        throw expected("an expression " + context);
    }

    private Node parseGroup() {
        int open = in.position();
        if (depth == MAX_DEPTH) {
            throw in.error(open, "parentheses nested more than " + MAX_DEPTH + " deep");
        }
        depth++;
        in.advance(1);
        Node inner = parseOr("after '('");
        expectEndOf(open);
        depth--;
        return inner;
    }

    /**
     * After a complete expression: expects ')' closing the '(' at {@code openParen}, or the end of
     * the selector when {@code openParen} is -1, and explains precisely what is wrong otherwise.
     */
    private void expectEndOf(int openParen) {
        in.skipWhitespace();
        int at = in.position();
        int c = in.peek();
        if (openParen >= 0 && c == ')') {
            in.advance(1);
            return;
        }
        if (openParen < 0 && c == Cursor.END) {
            return;
        }
        if (c == '&' || c == '|') {
            // A pair would have been consumed as an operator, so this is a lone '&' or '|'.
            char op = (char) c;
            throw in.error(at, "expected '" + op + op + "' but found a single '" + op + "'");
        }
        if (openParen < 0 && c == ')') {
            throw in.error(at, "unbalanced parenthesis: ')' has no matching '('");
        }
        if (openParen >= 0 && c == Cursor.END) {
            // Point at the '(' itself: that tells the user which one is unclosed.
            throw in.error(openParen, "unbalanced parenthesis: '(' is never closed");
        }
        String expected = openParen < 0 ? "end of selector" : "')'";
        throw expected("'&&', '||' or " + expected);
    }

    private Node parseHas() {
        in.advance("has(".length());
        in.skipWhitespace();
        if (!LabelKeys.isKeyChar(in.peek())) {
            throw expected("a label key inside has()");
        }
        String key = readKey();
        in.skipWhitespace();
        if (in.peek() != ')') {
            throw expected("')' after the label key in has()");
        }
        in.advance(1);
        return new Node.Has(key);
    }

    private void expectEmptyCall(String name) {
        in.advance(name.length() + 1);
        in.skipWhitespace();
        if (in.peek() != ')') {
            throw expected("')' after '" + name + "('");
        }
        in.advance(1);
    }

    /** Reads a label key at the cursor and reports its first syntax problem at the exact character. */
    private String readKey() {
        int start = in.position();
        String key = in.readKeyChars();
        LabelKeys.Problem problem = LabelKeys.check(key);
        if (problem != null) {
            throw in.error(start + problem.offset(), problem.reason());
        }
        return key;
    }

    /** Parses the operator and operand that must follow a label key. */
    private Node parseTest(String key) {
        in.skipWhitespace();
        int at = in.position();
        int c = in.peek();
        if (c == '=' || c == '!') {
            char first = (char) c;
            if (in.peek(1) != '=') {
                throw in.error(at, "unknown operator '" + first + "' after label key '" + key
                        + "'; did you mean '" + first + "='?");
            }
            in.advance(2);
            String value = readString("'" + first + "='");
            return first == '=' ? new Node.Eq(key, value) : new Node.Ne(key, value);
        }
        if (!LabelKeys.isKeyChar(c)) {
            throw in.error(at, "expected an operator (" + OPERATORS + ") after label key '" + key
                    + "' but found " + in.describeNext());
        }
        String word = in.readKeyChars();
        switch (word) {
            case "in":
                return new Node.In(key, readSet("'in'"));
            case "not":
                expectWord("in", "'not'");
                return new Node.NotIn(key, readSet("'not in'"));
            case "notin":
                return new Node.NotIn(key, readSet("'not in'"));
            case "contains":
                return new Node.Contains(key, readString("'contains'"));
            case "starts":
                expectWord("with", "'starts'");
                return new Node.StartsWith(key, readString("'starts with'"));
            case "startswith":
                return new Node.StartsWith(key, readString("'starts with'"));
            case "ends":
                expectWord("with", "'ends'");
                return new Node.EndsWith(key, readString("'ends with'"));
            case "endswith":
                return new Node.EndsWith(key, readString("'ends with'"));
            default:
                throw in.error(at, "unknown operator '" + word + "' after label key '" + key
                        + "'; expected " + OPERATORS);
        }
    }

    /** The second word of a two-word operator ("not in", "starts with", "ends with"). */
    private void expectWord(String expected, String after) {
        in.skipWhitespace();
        int at = in.position();
        String found = in.describeNext();
        if (!in.readKeyChars().equals(expected)) {
            throw in.error(at, "expected '" + expected + "' after " + after + " but found " + found);
        }
    }

    private String readString(String after) {
        in.skipWhitespace();
        int c = in.peek();
        if (c != '"' && c != '\'') {
            throw expected("a quoted string after " + after);
        }
        return in.readQuoted();
    }

    private ValueSet readSet(String after) {
        in.skipWhitespace();
        if (in.peek() != '{') {
            throw expected("'{' after " + after);
        }
        in.advance(1);
        List<String> values = new ArrayList<>();
        while (true) {
            in.skipWhitespace();
            int c = in.peek();
            if (c == '}') {
                in.advance(1);
                return ValueSet.of(values);
            }
            if (c != '"' && c != '\'') {
                throw expected("a quoted string or '}' in set");
            }
            values.add(in.readQuoted());
            in.skipWhitespace();
            c = in.peek();
            if (c == ',') {
                in.advance(1);
            } else if (c != '}') {
                throw expected("',' or '}' in set");
            }
        }
    }

    /** "expected X but found Y", positioned at the cursor (whitespace already skipped). */
    private SelectorException expected(String expectation) {
        return in.error(in.position(), "expected " + expectation + " but found " + in.describeNext());
    }
}
