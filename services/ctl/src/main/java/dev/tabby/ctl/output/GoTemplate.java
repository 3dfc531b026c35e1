package dev.tabby.ctl.output;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Go text/template as {@code calicoctl get -o go-template=...} takes it (common/printer.go parses it with
 * {@code template.New("get").Funcs(...)}), parsed into a tree. The part of Go's language calicoctl users write is
 * here: text, {@code {{pipeline}}} with fields ({@code .ObjectMeta.Name}), variables ({@code $}, {@code $x :=}),
 * literals, function calls and {@code |}; {@code if}/{@code else if}/{@code else}, {@code range} (with
 * {@code $i, $e :=}) and {@code with}, each to {@code end}; comments and {@code {{- -}}} trimming. Anything else
 * ({@code define}, {@code template}, {@code block}, ...) is refused with an error naming it, never ignored.
 */
final class GoTemplate {
    /** calicoctl names its template "get"; Go's messages start "template: get:LINE: ...". */
    static final String NAME = "get";

    /** Functions calicoctl registers (join, joinAndTruncate, config) and Go's built-ins Tabby implements. */
    static final Set<String> FUNCTIONS = Set.of("join", "joinAndTruncate", "config", "and", "or", "not", "len",
            "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge");

    /** Go built-ins Tabby does not implement: refused by name. */
    private static final Set<String> UNSUPPORTED_FUNCTIONS = Set.of("html", "js", "urlquery", "slice", "call");

    sealed interface Node permits Text, Action, If, Range, With {
    }

    record Text(String text) implements Node {
    }

    record Action(int pos, Pipeline pipeline) implements Node {
    }

    record If(int pos, Pipeline condition, List<Node> then, List<Node> otherwise) implements Node {
    }

    record Range(int pos, Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {
    }

    record With(int pos, Pipeline pipeline, List<Node> body, List<Node> otherwise) implements Node {
    }

    /** {@code $a, $b := cmd | cmd}; {@code declare} false for {@code =}. */
    record Pipeline(int pos, List<String> variables, boolean declare, List<Command> commands) {
    }

    record Command(int pos, List<Operand> operands) {
    }

    sealed interface Operand permits Dot, Field, Variable, Literal, Function, Paren {
        int pos();
    }

    /** {@code .} */
    record Dot(int pos) implements Operand {
    }

    /** {@code .A.B}: fields of dot. */
    record Field(int pos, List<String> names) implements Operand {
    }

    /** {@code $x.A.B} */
    record Variable(int pos, String name, List<String> names) implements Operand {
    }

    record Literal(int pos, Object value, String text) implements Operand {
    }

    record Function(int pos, String name) implements Operand {
    }

    /** {@code (pipeline).A.B} */
    record Paren(int pos, Pipeline pipeline, List<String> names) implements Operand {
    }

    final String source;
    final List<Node> root;

    private GoTemplate(String source, List<Node> root) {
        this.source = source;
        this.root = root;
    }

    /** @throws TemplateException a one-line message in Go's form, {@code template: get:LINE: ...} */
    static GoTemplate parse(String source) {
        Parser p = new Parser(source);
        List<Node> nodes = p.list(Set.of());
        return new GoTemplate(source, nodes);
    }

    /** Where {@code pos} is, as Go's messages give it: {@code get:LINE:BYTE}. */
    static String location(String source, int pos, boolean withColumn) {
        String before = source.substring(0, Math.min(pos, source.length()));
        int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
        int lastNewline = before.lastIndexOf('\n');
        int column = lastNewline < 0 ? pos : pos - lastNewline - 1;
        return NAME + ":" + line + (withColumn ? ":" + column : "");
    }

    /** A template that cannot be parsed or run; the message is the whole, one-line story. */
    static final class TemplateException extends RuntimeException {
        TemplateException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- lexing

    private enum T { TEXT, LEFT, RIGHT, FIELD, DOT, VARIABLE, IDENT, STRING, NUMBER, CHAR, LPAREN, RPAREN, PIPE,
        DECLARE, ASSIGN, COMMA, EOF }

    private record Token(T type, String text, Object value, int pos, boolean spaceBefore) {
    }

    private static final class Parser {
        private final String src;
        private final List<Token> tokens = new ArrayList<>();
        private int next;

        Parser(String src) {
            this.src = src;
            lex();
        }

        private TemplateException error(int pos, String message) {
            return new TemplateException("template: " + location(src, pos, false) + ": " + message);
        }

        private void lex() {
            int i = 0;
            boolean trimNextText = false;
            while (i <= src.length()) {
                int open = src.indexOf("{{", i);
                String text = src.substring(i, open < 0 ? src.length() : open);
                // Go trims only for "{{- " with white space after the dash; "{{-3}}" is the number -3.
                boolean trimBefore = open >= 0 && src.startsWith("{{-", open) && open + 3 < src.length()
                        && " \t\r\n".indexOf(src.charAt(open + 3)) >= 0;
                if (trimNextText) {
                    text = text.stripLeading();
                }
                if (trimBefore) {
                    text = text.stripTrailing();
                }
                if (!text.isEmpty()) {
                    tokens.add(new Token(T.TEXT, text, null, i, false));
                }
                if (open < 0) {
                    break;
                }
                int at = open + 2 + (trimBefore ? 2 : 0);
                // A comment is the whole action: {{/* ... */}}
                if (src.startsWith("/*", at)) {
                    int end = src.indexOf("*/", at + 2);
                    if (end < 0) {
                        throw error(open, "unclosed comment");
                    }
                    int close = end + 2;
                    boolean trimAfter = src.startsWith(" -}}", close);
                    if (!trimAfter && !src.startsWith("}}", close)) {
                        throw error(open, "comment ends before closing delimiter");
                    }
                    i = close + (trimAfter ? 4 : 2);
                    trimNextText = trimAfter;
                    continue;
                }
                tokens.add(new Token(T.LEFT, "{{", null, open, false));
                at = lexAction(at);
                trimNextText = src.startsWith("-}}", at);
                tokens.add(new Token(T.RIGHT, "}}", null, at, false));
                i = at + (trimNextText ? 3 : 2);
            }
            tokens.add(new Token(T.EOF, "", null, src.length(), false));
        }

        /** Tokens of one action; returns where its closing delimiter ({@code }}} or {@code -}}}) starts. */
        private int lexAction(int i) {
            boolean space = false;
            while (true) {
                if (i >= src.length()) {
                    throw error(i, "unclosed action");
                }
                char c = src.charAt(i);
                if (src.startsWith("}}", i)) {
                    return i;
                }
                if ((c == ' ' || c == '\t' || c == '\r' || c == '\n') && src.startsWith("-}}", i + 1)) {
                    return i + 1;
                }
                if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                    space = true;
                    i++;
                    continue;
                }
                int start = i;
                if (c == '.' && (i + 1 >= src.length() || !identChar(src.charAt(i + 1)))) {
                    if (i + 1 < src.length() && Character.isDigit(src.charAt(i + 1))) {
                        i = number(i, space);
                    } else {
                        tokens.add(new Token(T.DOT, ".", null, start, space));
                        i++;
                    }
                } else if (c == '.') {
                    i++;
                    while (i < src.length() && identChar(src.charAt(i))) {
                        i++;
                    }
                    tokens.add(new Token(T.FIELD, src.substring(start + 1, i), null, start, space));
                } else if (c == '$') {
                    i++;
                    while (i < src.length() && identChar(src.charAt(i))) {
                        i++;
                    }
                    tokens.add(new Token(T.VARIABLE, src.substring(start, i), null, start, space));
                } else if (c == '"') {
                    i = quoted(i, space);
                } else if (c == '`') {
                    int end = src.indexOf('`', i + 1);
                    if (end < 0) {
                        throw error(i, "unterminated raw quoted string");
                    }
                    tokens.add(new Token(T.STRING, src.substring(i, end + 1), src.substring(i + 1, end), start, space));
                    i = end + 1;
                } else if (c == '\'') {
                    throw error(i, "character constants ('x') are not supported by tabbyctl's go-template; use a string");
                } else if (Character.isDigit(c) || ((c == '-' || c == '+') && i + 1 < src.length()
                        && Character.isDigit(src.charAt(i + 1)))) {
                    i = number(i, space);
                } else if (identChar(c)) {
                    while (i < src.length() && identChar(src.charAt(i))) {
                        i++;
                    }
                    tokens.add(new Token(T.IDENT, src.substring(start, i), null, start, space));
                } else if (c == '(') {
                    tokens.add(new Token(T.LPAREN, "(", null, start, space));
                    i++;
                } else if (c == ')') {
                    tokens.add(new Token(T.RPAREN, ")", null, start, space));
                    i++;
                } else if (c == '|') {
                    tokens.add(new Token(T.PIPE, "|", null, start, space));
                    i++;
                } else if (c == ',') {
                    tokens.add(new Token(T.COMMA, ",", null, start, space));
                    i++;
                } else if (src.startsWith(":=", i)) {
                    tokens.add(new Token(T.DECLARE, ":=", null, start, space));
                    i += 2;
                } else if (c == '=') {
                    tokens.add(new Token(T.ASSIGN, "=", null, start, space));
                    i++;
                } else {
                    throw error(i, "unexpected \"" + c + "\" in command");
                }
                space = false;
            }
        }

        private static boolean identChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        private int number(int i, boolean space) {
            int start = i;
            i++;
            while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '.'
                    || src.charAt(i) == '_' || ((src.charAt(i) == '-' || src.charAt(i) == '+')
                    && (src.charAt(i - 1) == 'e' || src.charAt(i - 1) == 'E')))) {
                i++;
            }
            String text = src.substring(start, i);
            Object value;
            try {
                String digits = text.replace("_", "");
                if (digits.matches("[-+]?0[xX][0-9a-fA-F]+")) {
                    value = Long.parseLong(digits.replaceFirst("0[xX]", ""), 16) * (digits.startsWith("-") ? -1 : 1);
                } else if (digits.matches("[-+]?\\d+")) {
                    value = Long.parseLong(digits);
                } else {
                    value = Double.parseDouble(digits);
                }
            } catch (NumberFormatException e) {
                throw error(start, "bad number syntax: \"" + text + "\"");
            }
            tokens.add(new Token(T.NUMBER, text, value, start, space));
            return i;
        }

        private int quoted(int i, boolean space) {
            int start = i;
            StringBuilder out = new StringBuilder();
            i++;
            while (true) {
                if (i >= src.length() || src.charAt(i) == '\n') {
                    throw error(start, "unterminated quoted string");
                }
                char c = src.charAt(i);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (i + 1 >= src.length()) {
                        throw error(start, "unterminated quoted string");
                    }
                    char e = src.charAt(i + 1);
                    switch (e) {
                        case 'n' -> out.append('\n');
                        case 't' -> out.append('\t');
                        case 'r' -> out.append('\r');
                        case '\\' -> out.append('\\');
                        case '"' -> out.append('"');
                        case '\'' -> out.append('\'');
                        case 'a' -> out.append('\u0007');
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'v' -> out.append('\u000b');
                        case 'x', 'u', 'U' -> {
                            int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                            if (i + 2 + len > src.length()) {
                                throw error(start, "invalid syntax in quoted string");
                            }
                            try {
                                out.appendCodePoint(Integer.parseInt(src.substring(i + 2, i + 2 + len), 16));
                            } catch (IllegalArgumentException ex) {
                                throw error(start, "invalid syntax in quoted string");
                            }
                            i += len;
                        }
                        default -> throw error(start, "invalid syntax in quoted string: unknown escape \\" + e);
                    }
                    i += 2;
                    continue;
                }
                out.append(c);
                i++;
            }
            tokens.add(new Token(T.STRING, src.substring(start, i + 1), out.toString(), start, space));
            return i + 1;
        }

        // ---------------------------------------------------------------- parsing

        private Token peek() {
            return tokens.get(next);
        }

        private Token take() {
            return tokens.get(next++);
        }

        private boolean keywordAhead(String word) {
            return peek().type == T.LEFT && tokens.get(next + 1).type == T.IDENT && tokens.get(next + 1).text.equals(word);
        }

        /** Nodes up to (not taking) an {@code {{end}}} or {@code {{else}}} when {@code stops} name them, or EOF. */
        List<Node> list(Set<String> stops) {
            List<Node> out = new ArrayList<>();
            while (true) {
                Token t = peek();
                if (t.type == T.EOF) {
                    if (!stops.isEmpty()) {
                        throw error(t.pos, "unexpected EOF");
                    }
                    return out;
                }
                if (t.type == T.TEXT) {
                    out.add(new Text(take().text));
                    continue;
                }
                // LEFT
                Token word = tokens.get(next + 1);
                if (word.type == T.IDENT && (word.text.equals("end") || word.text.equals("else"))) {
                    if (!stops.contains(word.text)) {
                        throw error(word.pos, "unexpected {{" + word.text + "}}");
                    }
                    return out;
                }
                take();
                out.add(action());
            }
        }

        private Node action() {
            Token t = peek();
            if (t.type == T.IDENT) {
                switch (t.text) {
                    case "if" -> {
                        take();
                        return ifNode(t.pos);
                    }
                    case "range" -> {
                        take();
                        Pipeline p = pipeline(true);
                        List<Node>[] parts = bodyAndElse();
                        return new Range(t.pos, p, parts[0], parts[1]);
                    }
                    case "with" -> {
                        take();
                        Pipeline p = pipeline(true);
                        List<Node>[] parts = bodyAndElse();
                        return new With(t.pos, p, parts[0], parts[1]);
                    }
                    case "define", "template", "block", "break", "continue" ->
                        throw error(t.pos, "{{" + t.text + "}} is not supported by tabbyctl's go-template");
                    default -> {
                    }
                }
            }
            Pipeline p = pipeline(true);
            return new Action(t.pos, p);
        }

        private If ifNode(int pos) {
            Pipeline cond = pipeline(true);
            List<Node> then = list(Set.of("end", "else"));
            List<Node> otherwise = List.of();
            take(); // LEFT
            Token word = take();
            if (word.text.equals("else")) {
                if (peek().type == T.IDENT && peek().text.equals("if")) {
                    // {{else if x}} ... is {{else}}{{if x}} ... {{end}}{{end}}, sharing the one end.
                    Token inner = take();
                    otherwise = List.of(ifNode(inner.pos));
                    return new If(pos, cond, then, otherwise);
                }
                expect(T.RIGHT, "else");
                otherwise = list(Set.of("end"));
                take();
                take(); // end
            }
            expect(T.RIGHT, "end");
            return new If(pos, cond, then, otherwise);
        }

        @SuppressWarnings("unchecked")
        private List<Node>[] bodyAndElse() {
            List<Node> body = list(Set.of("end", "else"));
            List<Node> otherwise = List.of();
            take();
            Token word = take();
            if (word.text.equals("else")) {
                if (peek().type != T.RIGHT) {
                    throw error(peek().pos, "{{else " + peek().text + "}} after range or with is not supported by "
                            + "tabbyctl's go-template; nest the action inside {{else}}");
                }
                take();
                otherwise = list(Set.of("end"));
                take();
                take();
            }
            expect(T.RIGHT, "end");
            return new List[] {body, otherwise};
        }

        private void expect(T type, String context) {
            Token t = take();
            if (t.type != type) {
                throw error(t.pos, "unexpected \"" + t.text + "\" in " + context);
            }
        }

        /** A pipeline up to the action's end ({@code inAction}) or the closing parenthesis. */
        private Pipeline pipeline(boolean inAction) {
            int pos = peek().pos;
            List<String> vars = new ArrayList<>();
            boolean declare = true;
            // $x := ... or $i, $e := ...
            int save = next;
            if (peek().type == T.VARIABLE) {
                List<String> names = new ArrayList<>();
                names.add(take().text);
                if (peek().type == T.COMMA) {
                    take();
                    if (peek().type == T.VARIABLE) {
                        names.add(take().text);
                    }
                }
                if (peek().type == T.DECLARE || peek().type == T.ASSIGN) {
                    declare = take().type == T.DECLARE;
                    vars = names;
                } else {
                    next = save;
                }
            }
            List<Command> commands = new ArrayList<>();
            T end = inAction ? T.RIGHT : T.RPAREN;
            while (true) {
                commands.add(command(end));
                Token t = peek();
                if (t.type == T.PIPE) {
                    take();
                    continue;
                }
                if (t.type == end) {
                    if (inAction) {
                        take();
                    }
                    break;
                }
                throw error(t.pos, "unexpected \"" + t.text + "\" in operand");
            }
            if (commands.get(0).operands().isEmpty()) {
                throw error(pos, "missing value for command");
            }
            return new Pipeline(pos, vars, declare, commands);
        }

        private Command command(T end) {
            int pos = peek().pos;
            List<Operand> ops = new ArrayList<>();
            while (peek().type != T.PIPE && peek().type != end) {
                if (peek().type == T.EOF || peek().type == T.RIGHT) {
                    throw error(peek().pos, "unclosed left paren");
                }
                ops.add(operand());
            }
            if (ops.isEmpty()) {
                throw error(pos, "missing value for command");
            }
            return new Command(pos, ops);
        }

        private Operand operand() {
            Token t = take();
            switch (t.type) {
                case DOT:
                    return new Dot(t.pos);
                case FIELD: {
                    List<String> names = new ArrayList<>(List.of(t.text));
                    int last = t.pos;
                    while (peek().type == T.FIELD && !peek().spaceBefore) {
                        last = peek().pos;
                        names.add(take().text);
                    }
                    // Go places a field chain at its last field: ".Spec.Cidrs" is reported where ".Cidrs" starts.
                    return new Field(last, names);
                }
                case VARIABLE:
                    return new Variable(t.pos, t.text, chain());
                case STRING:
                    return new Literal(t.pos, t.value, t.text);
                case NUMBER:
                    return new Literal(t.pos, t.value, t.text);
                case LPAREN: {
                    Pipeline p = pipeline(false);
                    expect(T.RPAREN, "parenthesized pipeline");
                    return new Paren(t.pos, p, chain());
                }
                case IDENT:
                    switch (t.text) {
                        case "true":
                            return new Literal(t.pos, Boolean.TRUE, t.text);
                        case "false":
                            return new Literal(t.pos, Boolean.FALSE, t.text);
                        case "nil":
                            return new Literal(t.pos, null, t.text);
                        default:
                            if (UNSUPPORTED_FUNCTIONS.contains(t.text)) {
                                throw error(t.pos, "function \"" + t.text + "\" is not supported by tabbyctl's go-template");
                            }
                            if (!FUNCTIONS.contains(t.text)) {
                                throw error(t.pos, "function \"" + t.text + "\" not defined");
                            }
                            return new Function(t.pos, t.text);
                    }
                default:
                    throw error(t.pos, "unexpected \"" + t.text + "\" in operand");
            }
        }

        /** {@code .A.B} written straight after an operand, no space between. */
        private List<String> chain() {
            List<String> names = new ArrayList<>();
            while (peek().type == T.FIELD && !peek().spaceBefore) {
                names.add(take().text);
            }
            return names;
        }
    }
}
