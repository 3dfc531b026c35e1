package dev.tabby.ctl.output;

import dev.tabby.ctl.output.GoTemplate.Action;
import dev.tabby.ctl.output.GoTemplate.Command;
import dev.tabby.ctl.output.GoTemplate.Field;
import dev.tabby.ctl.output.GoTemplate.Function;
import dev.tabby.ctl.output.GoTemplate.If;
import dev.tabby.ctl.output.GoTemplate.Literal;
import dev.tabby.ctl.output.GoTemplate.Node;
import dev.tabby.ctl.output.GoTemplate.Operand;
import dev.tabby.ctl.output.GoTemplate.Paren;
import dev.tabby.ctl.output.GoTemplate.Pipeline;
import dev.tabby.ctl.output.GoTemplate.Range;
import dev.tabby.ctl.output.GoTemplate.TemplateException;
import dev.tabby.ctl.output.GoTemplate.Text;
import dev.tabby.ctl.output.GoTemplate.Variable;
import dev.tabby.ctl.output.GoTemplate.With;
import dev.tabby.model.v3.AsNumber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a parsed {@link GoTemplate} over Go views of resources ({@link GoStructs}), with the functions calicoctl
 * registers (common/printer.go: {@code join}, {@code joinAndTruncate}, {@code config}) and Go's built-ins.
 */
final class GoTemplateRun {
    private record Var(String name, Object value) {
    }

    private final GoTemplate template;
    private final Columns.Context context;
    private final StringBuilder out = new StringBuilder();
    private final List<Var> vars = new ArrayList<>();

    private GoTemplateRun(GoTemplate template, Columns.Context context) {
        this.template = template;
        this.context = context;
    }

    /** @throws TemplateException in Go's form: {@code template: get:1:2: executing "get" at <.Foo>: ...} */
    static String run(GoTemplate template, Object data, Columns.Context context) {
        GoTemplateRun r = new GoTemplateRun(template, context);
        r.vars.add(new Var("$", data));
        r.walk(template.root, data);
        return r.out.toString();
    }

    private TemplateException error(int pos, String at, String message) {
        return new TemplateException("template: " + GoTemplate.location(template.source, pos, true)
                + ": executing \"" + GoTemplate.NAME + "\" at <" + at + ">: " + message);
    }

    private void walk(List<Node> nodes, Object dot) {
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text());
            } else if (n instanceof Action a) {
                Object v = pipeline(a.pipeline(), dot);
                if (a.pipeline().variables().isEmpty()) {
                    out.append(GoValues.print(v));
                }
            } else if (n instanceof If i) {
                int mark = vars.size();
                boolean yes = GoValues.truth(pipeline(i.condition(), dot));
                walk(yes ? i.then() : i.otherwise(), dot);
                trim(mark);
            } else if (n instanceof With w) {
                int mark = vars.size();
                Object v = pipeline(w.pipeline(), dot);
                if (GoValues.truth(v)) {
                    walk(w.body(), v);
                } else {
                    walk(w.otherwise(), dot);
                }
                trim(mark);
            } else if (n instanceof Range r) {
                range(r, dot);
            }
        }
    }

    private void trim(int mark) {
        while (vars.size() > mark) {
            vars.remove(vars.size() - 1);
        }
    }

    private void range(Range r, Object dot) {
        int mark = vars.size();
        Pipeline p = r.pipeline();
        Object v = pipeline(new Pipeline(p.pos(), List.of(), true, p.commands()), dot);
        List<Object[]> entries = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                entries.add(new Object[] {(long) i, list.get(i)});
            }
        } else if (v instanceof Map<?, ?> map) {
            GoValues.sorted(map).forEach((k, e) -> entries.add(new Object[] {k, e}));
        } else if (v != null && !(v instanceof GoValues.Nil) && v != GoValues.NoValue.INSTANCE) {
            throw error(p.pos(), text(p), "range can't iterate over " + GoValues.print(v));
        }
        if (entries.isEmpty()) {
            walk(r.otherwise(), dot);
            trim(mark);
            return;
        }
        for (Object[] e : entries) {
            int inner = vars.size();
            if (p.variables().size() == 1) {
                vars.add(new Var(p.variables().get(0), e[1]));
            } else if (p.variables().size() == 2) {
                vars.add(new Var(p.variables().get(0), e[0]));
                vars.add(new Var(p.variables().get(1), e[1]));
            }
            walk(r.body(), e[1]);
            trim(inner);
        }
        trim(mark);
    }

    private Object pipeline(Pipeline p, Object dot) {
        Object value = null;
        boolean first = true;
        for (Command c : p.commands()) {
            value = command(c, dot, first ? Optional.empty() : Optional.ofNullable(value).or(() -> Optional.of(NULL)));
            first = false;
        }
        if (!p.variables().isEmpty()) {
            String name = p.variables().get(0);
            if (p.declare()) {
                vars.add(new Var(name, value));
            } else {
                assign(name, value, p.pos());
            }
        }
        return value;
    }

    /** Stands for a Go nil passed along a pipeline. */
    private static final Object NULL = new Object();

    private void assign(String name, Object value, int pos) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).name().equals(name)) {
                vars.set(i, new Var(name, value));
                return;
            }
        }
        throw new TemplateException("template: " + GoTemplate.location(template.source, pos, false)
                + ": undefined variable \"" + name + "\"");
    }

    private Object command(Command c, Object dot, Optional<Object> piped) {
        Operand head = c.operands().get(0);
        if (head instanceof Function f) {
            List<Object> args = new ArrayList<>();
            for (Operand o : c.operands().subList(1, c.operands().size())) {
                args.add(operand(o, dot));
            }
            piped.ifPresent(v -> args.add(v == NULL ? null : v));
            return call(f, text(c), args);
        }
        if (c.operands().size() > 1 || piped.isPresent()) {
            throw error(head.pos(), text(c), "can't give argument to non-function " + text(head));
        }
        if (head instanceof Literal l && l.value() == null) {
            throw error(head.pos(), "nil", "nil is not a command");
        }
        return operand(head, dot);
    }

    private Object operand(Operand o, Object dot) {
        if (o instanceof Field f) {
            return fields(dot, f.names(), f.pos(), text(f));
        }
        if (o instanceof Variable v) {
            return fields(variable(v), v.names(), v.pos(), text(v));
        }
        if (o instanceof Literal l) {
            return l.value();
        }
        if (o instanceof Paren p) {
            return fields(pipeline(p.pipeline(), dot), p.names(), p.pos(), text(p));
        }
        if (o instanceof Function f) {
            return call(f, f.name(), List.of());
        }
        return dot;
    }

    private Object variable(Variable v) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).name().equals(v.name())) {
                return vars.get(i).value();
            }
        }
        throw new TemplateException("template: " + GoTemplate.location(template.source, v.pos(), false)
                + ": undefined variable \"" + v.name() + "\"");
    }

    private Object fields(Object value, List<String> names, int pos, String at) {
        Object v = value;
        String path = "";
        for (String name : names) {
            v = field(v, name, pos, at, path);
            path = path + "." + name;
        }
        return v;
    }

    private Object field(Object receiver, String name, int pos, String at, String path) {
        if (receiver instanceof GoStructs.Struct s) {
            if (!Character.isUpperCase(name.charAt(0))) {
                throw error(pos, at, "can't evaluate field " + name + " in type " + s.goType()
                        + " (Go templates use Go's field names: .ObjectMeta.Name, .Spec.CIDR, .Items)");
            }
            return s.field(name).orElseThrow(() -> error(pos, at, "can't evaluate field " + name + " in type " + s.goType()));
        }
        if (receiver instanceof Map<?, ?> map) {
            Object v = map.get(name);
            return v != null ? v : map.containsKey(name) ? null : GoValues.NoValue.INSTANCE;
        }
        if (receiver instanceof GoValues.Nil nil) {
            throw error(pos, at, "nil pointer evaluating " + nil.goType() + "." + name);
        }
        if (receiver == null || receiver == GoValues.NoValue.INSTANCE) {
            throw error(pos, at, "nil pointer evaluating interface {}." + name);
        }
        throw error(pos, at, "can't evaluate field " + name + " in type " + goType(receiver));
    }

    private static String goType(Object v) {
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Number) {
            return "int";
        }
        if (v instanceof AsNumber) {
            return "numorstring.ASNumber";
        }
        if (v instanceof List<?>) {
            return "[]interface {}";
        }
        if (v instanceof GoStructs.Struct s) {
            return s.goType();
        }
        return v.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- functions

    private Object call(Function f, String at, List<Object> args) {
        String name = f.name();
        try {
            return switch (name) {
                case "join" -> {
                    want(name, args, 2);
                    yield GoValues.joinAndTruncate(args.get(0), string(args.get(1)), 0);
                }
                case "joinAndTruncate" -> {
                    want(name, args, 3);
                    yield GoValues.joinAndTruncate(args.get(0), string(args.get(1)), (int) integer(args.get(2)));
                }
                case "config" -> {
                    want(name, args, 1);
                    String what = string(args.get(0));
                    if (!what.toLowerCase(Locale.ROOT).equals("asnumber")) {
                        throw new IllegalArgumentException("config \"" + what + "\" is not known; calicoctl's config "
                                + "function knows only \"asnumber\"");
                    }
                    yield context.clusterAsNumber();
                }
                case "and" -> {
                    atLeast(name, args, 1);
                    Object last = null;
                    for (Object a : args) {
                        last = a;
                        if (!GoValues.truth(a)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "or" -> {
                    atLeast(name, args, 1);
                    Object last = null;
                    for (Object a : args) {
                        last = a;
                        if (GoValues.truth(a)) {
                            break;
                        }
                    }
                    yield last;
                }
                case "not" -> {
                    want(name, args, 1);
                    yield !GoValues.truth(args.get(0));
                }
                case "len" -> {
                    want(name, args, 1);
                    yield length(args.get(0));
                }
                case "index" -> {
                    atLeast(name, args, 1);
                    yield index(args);
                }
                case "print" -> sprint(args, false);
                case "println" -> sprint(args, true);
                case "printf" -> {
                    atLeast(name, args, 1);
                    yield GoPrintf.format(string(args.get(0)), args.subList(1, args.size()));
                }
                case "eq", "ne", "lt", "le", "gt", "ge" -> compare(name, args);
                default -> throw new IllegalArgumentException("function \"" + name + "\" not defined");
            };
        } catch (IllegalArgumentException e) {
            throw error(f.pos(), at, "error calling " + name + ": " + e.getMessage());
        }
    }

    private static void want(String name, List<Object> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException("wrong number of args for " + name + ": want " + n + " got " + args.size());
        }
    }

    private static void atLeast(String name, List<Object> args, int n) {
        if (args.size() < n) {
            throw new IllegalArgumentException("wrong number of args for " + name + ": want at least " + n + " got "
                    + args.size());
        }
    }

    private static String string(Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("wrong type for value; expected string; got " + (v == null ? "nil" : goType(v)));
    }

    private static long integer(Object v) {
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException("wrong type for value; expected int; got " + (v == null ? "nil" : goType(v)));
    }

    private static long length(Object v) {
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new IllegalArgumentException("len of type " + (v == null ? "nil" : goType(v)));
    }

    private static Object index(List<Object> args) {
        Object v = args.get(0);
        for (Object key : args.subList(1, args.size())) {
            if (v instanceof List<?> list) {
                if (!(key instanceof Long || key instanceof Integer)) {
                    throw new IllegalArgumentException("cannot index slice/array with type " + goType(key));
                }
                long i = ((Number) key).longValue();
                if (i < 0 || i >= list.size()) {
                    throw new IllegalArgumentException("index out of range: " + i);
                }
                v = list.get((int) i);
            } else if (v instanceof Map<?, ?> map) {
                Object found = map.get(String.valueOf(key));
                v = found != null ? found : "";
            } else {
                throw new IllegalArgumentException("can't index item of type " + (v == null ? "nil" : goType(v)));
            }
        }
        return v;
    }

    /** fmt.Sprint (a space between operands when neither is a string) or fmt.Sprintln (always, and a newline). */
    private static String sprint(List<Object> args, boolean line) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            boolean space = line ? i > 0
                    : i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String);
            if (space) {
                b.append(' ');
            }
            b.append(GoValues.print(args.get(i)));
        }
        return line ? b.append('\n').toString() : b.toString();
    }

    private enum Basic { BOOL, INT, FLOAT, STRING }

    private static Basic basic(Object v) {
        if (v instanceof Boolean) {
            return Basic.BOOL;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof AsNumber) {
            return Basic.INT;
        }
        if (v instanceof Double) {
            return Basic.FLOAT;
        }
        if (v instanceof String) {
            return Basic.STRING;
        }
        return null;
    }

    private static Object compare(String op, List<Object> args) {
        if (op.equals("eq")) {
            atLeast(op, args, 2);
            for (Object other : args.subList(1, args.size())) {
                if (order(args.get(0), other, true) == 0) {
                    return true;
                }
            }
            return false;
        }
        want(op, args, 2);
        int c = order(args.get(0), args.get(1), op.equals("ne"));
        return switch (op) {
            case "ne" -> c != 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "gt" -> c > 0;
            default -> c >= 0;
        };
    }

    /** Go's comparison of basic values: same kind only; bools only for (in)equality. */
    private static int order(Object a, Object b, boolean equalityOnly) {
        Basic ka = basic(a);
        Basic kb = basic(b);
        if (ka == null || kb == null) {
            throw new IllegalArgumentException("invalid type for comparison");
        }
        if (ka != kb) {
            throw new IllegalArgumentException("incompatible types for comparison");
        }
        return switch (ka) {
            case BOOL -> {
                if (!equalityOnly) {
                    throw new IllegalArgumentException("invalid type for comparison");
                }
                yield a.equals(b) ? 0 : 1;
            }
            case INT -> Long.compare(asLong(a), asLong(b));
            case FLOAT -> Double.compare((Double) a, (Double) b);
            case STRING -> Integer.signum(((String) a).compareTo((String) b));
        };
    }

    private static long asLong(Object v) {
        return v instanceof AsNumber n ? n.value() : ((Number) v).longValue();
    }

    // ---------------------------------------------------------------- how a node reads in messages

    private static String text(Operand o) {
        if (o instanceof Field f) {
            return "." + String.join(".", f.names());
        }
        if (o instanceof Variable v) {
            return v.name() + (v.names().isEmpty() ? "" : "." + String.join(".", v.names()));
        }
        if (o instanceof Literal l) {
            return l.text();
        }
        if (o instanceof Function f) {
            return f.name();
        }
        if (o instanceof Paren p) {
            return "(" + text(p.pipeline()) + ")" + (p.names().isEmpty() ? "" : "." + String.join(".", p.names()));
        }
        return ".";
    }

    private static String text(Command c) {
        List<String> parts = new ArrayList<>();
        c.operands().forEach(o -> parts.add(text(o)));
        return String.join(" ", parts);
    }

    private static String text(Pipeline p) {
        List<String> parts = new ArrayList<>();
        p.commands().forEach(c -> parts.add(text(c)));
        return String.join(" | ", parts);
    }
}
