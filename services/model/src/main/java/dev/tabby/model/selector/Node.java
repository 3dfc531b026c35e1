package dev.tabby.model.selector;

import java.util.List;
import java.util.Map;

/**
 * The parsed form of a selector. Each node evaluates itself against a label map (virtual dispatch,
 * no allocation) and prints its canonical text, which follows Calico's {@code String()} output
 * exactly: {@code &&}/{@code ||} groups are always parenthesised, a negation is a bare {@code !}.
 *
 * <p>A label whose value is {@code null} in the map is treated as absent.
 */
sealed interface Node {

    boolean eval(Map<String, String> labels);

    void print(StringBuilder out);

    /** {@code all()}, also what an empty selector means. */
    record All() implements Node {
        static final All INSTANCE = new All();

        @Override
        public boolean eval(Map<String, String> labels) {
            return true;
        }

        @Override
        public void print(StringBuilder out) {
            out.append("all()");
        }
    }

    /**
     * {@code global()}. Calico (libcalico-go GlobalNode.Evaluate) evaluates it to {@code true} for
     * every label set: its "only non-namespaced resources" meaning is applied by the code that
     * interprets a rule's namespaceSelector, not by selector evaluation, so we match that.
     */
    record Global() implements Node {
        static final Global INSTANCE = new Global();

        @Override
        public boolean eval(Map<String, String> labels) {
            return true;
        }

        @Override
        public void print(StringBuilder out) {
            out.append("global()");
        }
    }

    /** {@code has(key)}. */
    record Has(String key) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            return labels.get(key) != null;
        }

        @Override
        public void print(StringBuilder out) {
            out.append("has(").append(key).append(')');
        }
    }

    /** {@code key == "value"}; false when the label is absent. */
    record Eq(String key, String value) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            return value.equals(labels.get(key));
        }

        @Override
        public void print(StringBuilder out) {
            printTest(out, key, " == ", value);
        }
    }

    /** {@code key != "value"}; true when the label is absent (as in Calico). */
    record Ne(String key, String value) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            return !value.equals(labels.get(key));
        }

        @Override
        public void print(StringBuilder out) {
            printTest(out, key, " != ", value);
        }
    }

    /** {@code key contains "value"}; false when the label is absent. */
    record Contains(String key, String value) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            String actual = labels.get(key);
            return actual != null && actual.contains(value);
        }

        @Override
        public void print(StringBuilder out) {
            printTest(out, key, " contains ", value);
        }
    }

    /** {@code key starts with "value"}; false when the label is absent. */
    record StartsWith(String key, String value) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            String actual = labels.get(key);
            return actual != null && actual.startsWith(value);
        }

        @Override
        public void print(StringBuilder out) {
            printTest(out, key, " starts with ", value);
        }
    }

    /** {@code key ends with "value"}; false when the label is absent. */
    record EndsWith(String key, String value) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            String actual = labels.get(key);
            return actual != null && actual.endsWith(value);
        }

        @Override
        public void print(StringBuilder out) {
            printTest(out, key, " ends with ", value);
        }
    }

    /** {@code key in {...}}; false when the label is absent. */
    record In(String key, ValueSet values) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            String actual = labels.get(key);
            return actual != null && values.contains(actual);
        }

        @Override
        public void print(StringBuilder out) {
            out.append(key).append(" in ");
            values.print(out);
        }
    }

    /** {@code key not in {...}}; true when the label is absent (as in Calico). */
    record NotIn(String key, ValueSet values) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            String actual = labels.get(key);
            return actual == null || !values.contains(actual);
        }

        @Override
        public void print(StringBuilder out) {
            out.append(key).append(" not in ");
            values.print(out);
        }
    }

    /** {@code !operand}. */
    record Not(Node operand) implements Node {
        @Override
        public boolean eval(Map<String, String> labels) {
            return !operand.eval(labels);
        }

        @Override
        public void print(StringBuilder out) {
            out.append('!');
            operand.print(out);
        }
    }

    /** Two or more operands joined by {@code &&}; short-circuits left to right. */
    record And(List<Node> operands) implements Node {
        public And {
            operands = checkOperands(operands);
        }

        @Override
        public boolean eval(Map<String, String> labels) {
            // Indexed loop: an iterator would allocate on every evaluation.
            for (int i = 0; i < operands.size(); i++) {
                if (!operands.get(i).eval(labels)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void print(StringBuilder out) {
            printGroup(out, operands, " && ");
        }
    }

    /** Two or more operands joined by {@code ||}; short-circuits left to right. */
    record Or(List<Node> operands) implements Node {
        public Or {
            operands = checkOperands(operands);
        }

        @Override
        public boolean eval(Map<String, String> labels) {
            for (int i = 0; i < operands.size(); i++) {
                if (operands.get(i).eval(labels)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void print(StringBuilder out) {
            printGroup(out, operands, " || ");
        }
    }

    private static void printTest(StringBuilder out, String key, String operator, String value) {
        out.append(key).append(operator);
        Literals.appendQuoted(out, value);
    }

    private static void printGroup(StringBuilder out, List<Node> operands, String separator) {
        out.append('(');
        for (int i = 0; i < operands.size(); i++) {
            if (i > 0) {
                out.append(separator);
            }
            operands.get(i).print(out);
        }
        out.append(')');
    }

    /** A one-operand group would print as "(x)", which re-parses as plain x; forbid it. */
    private static List<Node> checkOperands(List<Node> operands) {
        List<Node> copy = List.copyOf(operands);
        if (copy.size() < 2) {
            throw new IllegalArgumentException("a boolean group needs at least two operands");
        }
        return copy;
    }
}
