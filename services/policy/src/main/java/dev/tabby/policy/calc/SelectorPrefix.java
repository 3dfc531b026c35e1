package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;

import java.util.List;

/**
 * Prefixes every label key of a selector, as libcalico-go's parser.PrefixVisitor does
 * (lib/backend/syncersv1/updateprocessors/selectors.go parseSelectorAttachPrefix): a rule's namespaceSelector
 * {@code env == "prod"} becomes {@code pcns.env == "prod"}, matched against the labels an endpoint inherits from its
 * namespace's profile {@code kns.<ns>}.
 *
 * <p>Works on the canonical text (the model's selector tree is not public): there, a key is always either inside
 * {@code has(...)} or directly followed by one of the operators below, and values are always quoted.
 */
final class SelectorPrefix {
    private SelectorPrefix() {
    }

    private static final List<String> OPERATORS = List.of(
            " == ", " != ", " contains ", " starts with ", " ends with ", " in {", " not in {");

    static String attach(String selectorText, String prefix) {
        String canonical = Selector.parse(selectorText).toString();
        StringBuilder out = new StringBuilder(canonical.length() + 16);
        int i = 0;
        while (i < canonical.length()) {
            char c = canonical.charAt(i);
            if (c == '"' || c == '\'') {
                int end = canonical.indexOf(c, i + 1);
                out.append(canonical, i, end + 1);
                i = end + 1;
                continue;
            }
            if (canonical.startsWith("has(", i)) {
                int close = canonical.indexOf(')', i);
                out.append("has(").append(prefix).append(canonical, i + 4, close + 1);
                i = close + 1;
                continue;
            }
            if (isKeyStart(canonical, i)) {
                int end = i;
                while (end < canonical.length() && isKeyChar(canonical.charAt(end))) {
                    end++;
                }
                String op = operatorAt(canonical, end);
                if (op != null && !canonical.startsWith("all()", i) && !canonical.startsWith("global()", i)) {
                    out.append(prefix).append(canonical, i, end).append(op);
                    i = end + op.length();
                    continue;
                }
                out.append(canonical, i, end);
                i = end;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static boolean isKeyStart(String s, int i) {
        return isKeyChar(s.charAt(i)) && (i == 0 || !isKeyChar(s.charAt(i - 1)));
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '/' || c == '-';
    }

    private static String operatorAt(String s, int i) {
        for (String op : OPERATORS) {
            if (s.startsWith(op, i)) {
                return op;
            }
        }
        return null;
    }
}
