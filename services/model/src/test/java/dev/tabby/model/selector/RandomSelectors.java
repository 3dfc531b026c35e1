package dev.tabby.model.selector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates random selector trees and label maps for property tests, and renders trees as
 * "noisy" but equivalent text (odd spacing, other quotes, redundant parentheses and negations).
 *
 * <p>Generated trees only contain shapes the parser can produce: groups have at least two
 * operands and a negation never directly wraps another negation.
 */
final class RandomSelectors {

    /** Includes words that are operators elsewhere, to prove keys and keywords don't collide. */
    private static final String[] KEYS = {
        "a", "b", "app", "k8s-app", "projectcalico.org/namespace", "x.y_z-9", "in", "not", "has", "all",
        "global", "contains",
    };

    /** None contains both quote characters, which the language cannot express. */
    private static final String[] VALUES = {
        "", "a", "ab", "b", "web", "db", "it's", "say \"hi\"", "x y", "&& ||", "\u00fc", "\uD83D\uDE00", "a\"",
        "{}", "(", "!",
    };

    private static final String[] SPACES = {"", " ", "  ", "\t", "\n", " \r\n "};

    private final Random random;

    RandomSelectors(long seed) {
        this.random = new Random(seed);
    }

    Node node(int depth) {
        int kinds = depth <= 0 ? 10 : 13;
        switch (random.nextInt(kinds)) {
            case 0:
                return Node.All.INSTANCE;
            case 1:
                return Node.Global.INSTANCE;
            case 2:
                return new Node.Has(key());
            case 3:
                return new Node.Eq(key(), value());
            case 4:
                return new Node.Ne(key(), value());
            case 5:
                return new Node.Contains(key(), value());
            case 6:
                return new Node.StartsWith(key(), value());
            case 7:
                return new Node.EndsWith(key(), value());
            case 8:
                return new Node.In(key(), valueSet());
            case 9:
                return new Node.NotIn(key(), valueSet());
            case 10:
                Node operand = node(depth - 1);
                return operand instanceof Node.Not ? operand : new Node.Not(operand);
            case 11:
                return new Node.And(operands(depth));
            default:
                return new Node.Or(operands(depth));
        }
    }

    Map<String, String> labels() {
        Map<String, String> labels = new HashMap<>();
        for (String key : KEYS) {
            if (random.nextInt(3) > 0) {
                labels.put(key, value());
            }
        }
        return labels;
    }

    /** Text that must parse to exactly {@code node}, though it looks nothing like the canonical form. */
    String noisy(Node node) {
        StringBuilder out = new StringBuilder();
        appendNoisy(out, node);
        return space() + out + space();
    }

    private void appendNoisy(StringBuilder out, Node node) {
        // Redundant wrappers: an even number of '!' or an extra pair of parentheses.
        switch (random.nextInt(8)) {
            case 0:
                out.append('!').append(space()).append('!').append(space());
                appendNoisy(out, node);
                return;
            case 1:
                out.append('(').append(space());
                appendNoisy(out, node);
                out.append(space()).append(')');
                return;
            default:
                break;
        }
        if (node instanceof Node.All) {
            out.append("all(").append(space()).append(')');
        } else if (node instanceof Node.Global) {
            out.append("global(").append(space()).append(')');
        } else if (node instanceof Node.Has has) {
            out.append("has(").append(space()).append(has.key()).append(space()).append(')');
        } else if (node instanceof Node.Eq eq) {
            appendTest(out, eq.key(), "==", eq.value(), false);
        } else if (node instanceof Node.Ne ne) {
            appendTest(out, ne.key(), "!=", ne.value(), false);
        } else if (node instanceof Node.Contains contains) {
            appendTest(out, contains.key(), "contains", contains.value(), true);
        } else if (node instanceof Node.StartsWith startsWith) {
            String op = random.nextBoolean() ? "startswith" : "starts" + nonEmptySpace() + "with";
            appendTest(out, startsWith.key(), op, startsWith.value(), true);
        } else if (node instanceof Node.EndsWith endsWith) {
            String op = random.nextBoolean() ? "endswith" : "ends" + nonEmptySpace() + "with";
            appendTest(out, endsWith.key(), op, endsWith.value(), true);
        } else if (node instanceof Node.In in) {
            appendSetTest(out, in.key(), "in", in.values());
        } else if (node instanceof Node.NotIn notIn) {
            String op = random.nextBoolean() ? "notin" : "not" + nonEmptySpace() + "in";
            appendSetTest(out, notIn.key(), op, notIn.values());
        } else if (node instanceof Node.Not not) {
            out.append('!').append(space());
            appendNoisy(out, not.operand());
        } else if (node instanceof Node.And and) {
            appendGroup(out, and.operands(), "&&");
        } else if (node instanceof Node.Or or) {
            appendGroup(out, or.operands(), "||");
        } else {
            throw new AssertionError("unknown node " + node);
        }
    }

    private void appendTest(StringBuilder out, String key, String op, String value, boolean wordOp) {
        // A word operator must be separated from the key, or it would be read as part of it.
        out.append(key).append(wordOp ? nonEmptySpace() : space()).append(op).append(space());
        appendQuoted(out, value);
    }

    private void appendSetTest(StringBuilder out, String key, String op, ValueSet values) {
        out.append(key).append(nonEmptySpace()).append(op).append(space()).append('{');
        List<String> shuffled = new ArrayList<>(values.sorted());
        if (!shuffled.isEmpty() && random.nextBoolean()) {
            shuffled.add(shuffled.get(random.nextInt(shuffled.size())));
        }
        java.util.Collections.shuffle(shuffled, random);
        for (int i = 0; i < shuffled.size(); i++) {
            out.append(space());
            if (i > 0) {
                out.append(',').append(space());
            }
            appendQuoted(out, shuffled.get(i));
        }
        if (!shuffled.isEmpty() && random.nextBoolean()) {
            out.append(space()).append(',');
        }
        out.append(space()).append('}');
    }

    private void appendGroup(StringBuilder out, List<Node> operands, String op) {
        out.append('(').append(space());
        for (int i = 0; i < operands.size(); i++) {
            if (i > 0) {
                out.append(space()).append(op).append(space());
            }
            appendNoisy(out, operands.get(i));
        }
        out.append(space()).append(')');
    }

    /** Either quote character, whichever the value allows. */
    private void appendQuoted(StringBuilder out, String value) {
        boolean single = value.indexOf('\'') < 0 && (value.indexOf('"') >= 0 || random.nextBoolean());
        char quote = single ? '\'' : '"';
        out.append(quote).append(value).append(quote);
    }

    private List<Node> operands(int depth) {
        int count = 2 + random.nextInt(3);
        List<Node> operands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            operands.add(node(depth - 1));
        }
        return operands;
    }

    private ValueSet valueSet() {
        int count = random.nextInt(4);
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(value());
        }
        return ValueSet.of(values);
    }

    private String key() {
        return KEYS[random.nextInt(KEYS.length)];
    }

    private String value() {
        return VALUES[random.nextInt(VALUES.length)];
    }

    private String space() {
        return SPACES[random.nextInt(SPACES.length)];
    }

    private String nonEmptySpace() {
        return SPACES[1 + random.nextInt(SPACES.length - 1)];
    }
}
