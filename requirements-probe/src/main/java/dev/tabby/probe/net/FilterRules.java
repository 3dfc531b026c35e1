package dev.tabby.probe.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Filter rules from one source (iptables-save of one backend and family, or nft list ruleset), reduced to what
 * decides a packet's fate: chains of rules, each with conditions, a verdict and perhaps a jump target. The walk
 * follows the kernel's order (first matching verdict wins, user chains return to their caller, the base chain's
 * policy applies last), with one honest twist: conditions the probe cannot evaluate make the outcome "may".
 */
final class FilterRules {
    enum Verdict { ACCEPT, DROP, JUMP, GOTO, RETURN, NONE }

    /** What a rule's conditions say about a traffic; {@code specific}: it named this protocol or port. */
    record Test(RuleMatch match, boolean specific) {
        static final Test NO = new Test(RuleMatch.NO_MATCH, false);
    }

    @FunctionalInterface
    interface Condition {
        Test test(Traffic t);

        /** All of a rule's conditions together: a match only if every one matches; specific if any matching one is. */
        static Condition all(List<Condition> conditions) {
            List<Condition> all = List.copyOf(conditions);
            return t -> {
                RuleMatch m = RuleMatch.MATCH;
                boolean specific = false;
                for (Condition c : all) {
                    Test r = c.test(t);
                    m = m.and(r.match());
                    specific |= r.specific() && r.match() != RuleMatch.NO_MATCH;
                }
                return new Test(m, specific);
            };
        }
    }

    record Rule(String text, Condition condition, Verdict verdict, String target) {
    }

    record Chain(String name, List<Rule> rules) {
    }

    /**
     * A chain packets enter from the kernel: iptables' INPUT/OUTPUT of the filter table, or an nft chain with a
     * filter hook.
     *
     * @param where    {@code filter/INPUT} or {@code inet fw/input}, for messages
     * @param families the address families it sees
     * @param policy   {@code DROP} or {@code ACCEPT}
     * @param chains   the chains it can jump to (its table's)
     */
    record BaseChain(String where, Traffic.Direction direction, Set<Traffic.Family> families, String policy, Chain chain,
                     Map<String, Chain> chains) {
    }

    private final String source;
    private final List<BaseChain> baseChains;
    private final int ruleCount;

    FilterRules(String source, List<BaseChain> baseChains, int ruleCount) {
        this.source = source;
        this.baseChains = List.copyOf(baseChains);
        this.ruleCount = ruleCount;
    }

    String source() {
        return source;
    }

    int ruleCount() {
        return ruleCount;
    }

    /** Every base chain of this source that drops (or may drop) the traffic. */
    List<Blocking> blocking(Traffic t) {
        List<Blocking> out = new ArrayList<>();
        for (BaseChain base : baseChains) {
            if (base.direction != t.direction() || !base.families.contains(t.family())) {
                continue;
            }
            evaluate(base, t).ifPresent(out::add);
        }
        return out;
    }

    private Optional<Blocking> evaluate(BaseChain base, Traffic t) {
        Walk w = walk(base.chains, base.chain, t, 0);
        return switch (w.kind) {
            case DROP -> Optional.of(new Blocking(source, base.where, w.rule, !w.maybeAccepted, t));
            case ACCEPT -> w.maybeDrop == null ? Optional.empty()
                    : Optional.of(new Blocking(source, base.where, w.maybeDrop, false, t));
            case FALL -> {
                if ("DROP".equalsIgnoreCase(base.policy)) {
                    yield Optional.of(new Blocking(source, base.where, "policy " + base.policy.toUpperCase(),
                            !w.maybeAccepted, t));
                }
                yield w.maybeDrop == null ? Optional.empty()
                        : Optional.of(new Blocking(source, base.where, w.maybeDrop, false, t));
            }
        };
    }

    private enum Kind { ACCEPT, DROP, FALL }

    private record Walk(Kind kind, String rule, boolean maybeAccepted, String maybeDrop) {
    }

    private static final int MAX_DEPTH = 32;

    private static Walk walk(Map<String, Chain> chains, Chain chain, Traffic t, int depth) {
        boolean maybeAccepted = false;
        String maybeDrop = null;
        for (Rule rule : chain.rules) {
            Test test = rule.condition.test(t);
            if (test.match() == RuleMatch.NO_MATCH) {
                continue;
            }
            boolean sure = test.match() == RuleMatch.MATCH;
            switch (rule.verdict) {
                case ACCEPT -> {
                    if (sure) {
                        return new Walk(Kind.ACCEPT, rule.text, maybeAccepted, maybeDrop);
                    }
                    maybeAccepted = true;
                }
                case DROP -> {
                    if (sure) {
                        return new Walk(Kind.DROP, rule.text, maybeAccepted, maybeDrop);
                    }
                    if (maybeDrop == null && test.specific()) {
                        maybeDrop = rule.text;
                    }
                }
                case RETURN -> {
                    if (sure) {
                        return new Walk(Kind.FALL, null, maybeAccepted, maybeDrop);
                    }
                }
                case JUMP, GOTO -> {
                    Chain target = chains.get(rule.target);
                    if (target == null || depth >= MAX_DEPTH) {
                        continue;
                    }
                    Walk sub = walk(chains, target, t, depth + 1);
                    maybeAccepted |= sub.maybeAccepted;
                    if (maybeDrop == null) {
                        maybeDrop = sub.maybeDrop;
                    }
                    if (sure) {
                        if (sub.kind == Kind.ACCEPT) {
                            return new Walk(Kind.ACCEPT, sub.rule, maybeAccepted, maybeDrop);
                        }
                        if (sub.kind == Kind.DROP) {
                            return new Walk(Kind.DROP, sub.rule, maybeAccepted, maybeDrop);
                        }
                        if (rule.verdict == Verdict.GOTO) {
                            return new Walk(Kind.FALL, null, maybeAccepted, maybeDrop);
                        }
                    } else {
                        if (sub.kind == Kind.ACCEPT) {
                            maybeAccepted = true;
                        } else if (sub.kind == Kind.DROP && maybeDrop == null) {
                            maybeDrop = sub.rule;
                        }
                    }
                }
                case NONE -> {
                    // counters, logs, marks: the packet goes on
                }
            }
        }
        return new Walk(Kind.FALL, null, maybeAccepted, maybeDrop);
    }
}
