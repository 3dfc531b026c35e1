package dev.tabby.probe.net;

import dev.tabby.probe.net.FilterRules.BaseChain;
import dev.tabby.probe.net.FilterRules.Chain;
import dev.tabby.probe.net.FilterRules.Condition;
import dev.tabby.probe.net.FilterRules.Rule;
import dev.tabby.probe.net.FilterRules.Test;
import dev.tabby.probe.net.FilterRules.Verdict;
import dev.tabby.probe.net.Traffic.Direction;
import dev.tabby.probe.net.Traffic.Family;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code nft list ruleset}. Every chain with a {@code filter} hook on input or output is a base chain (each
 * one can drop a packet another accepted); tables of family ip, ip6 and inet count. Conditions understood:
 * {@code tcp|udp|th dport}, {@code meta l4proto}, {@code ip protocol}, {@code ip6 nexthdr}, {@code ct state},
 * loopback interfaces and addresses, {@code fib daddr type local}; anything else makes the rule a "may".
 */
final class NftRuleset {
    private static final Pattern TABLE = Pattern.compile("^table\\s+(\\S+)\\s+(\\S+)\\s*\\{$");
    private static final Pattern CHAIN = Pattern.compile("^chain\\s+(\\S+)\\s*\\{$");
    private static final Pattern HOOK = Pattern.compile("type\\s+(\\S+)\\s+hook\\s+(\\S+)");
    private static final Pattern POLICY = Pattern.compile("policy\\s+(\\w+)");
    private static final Set<String> TRANSPORTS = Set.of("tcp", "udp", "th", "sctp", "udplite", "dccp");

    private NftRuleset() {
    }

    private record RawChain(String family, String table, String name, String type, String hook, String policy,
                            List<String> rules) {
    }

    static FilterRules parse(String source, String text) {
        List<RawChain> raw = new ArrayList<>();
        String family = null;
        String table = null;
        RawChain chain = null;
        int skipDepth = 0;
        StringBuilder pending = null;
        int ruleCount = 0;
        for (String rawLine : text.lines().toList()) {
            String line = stripHandle(rawLine.trim());
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (skipDepth > 0) {
                skipDepth += braces(line);
                continue;
            }
            if (pending != null) {
                pending.append(' ').append(line);
                if (braces(pending.toString()) == 0) {
                    chain.rules.add(pending.toString());
                    ruleCount++;
                    pending = null;
                }
                continue;
            }
            if (table == null) {
                Matcher m = TABLE.matcher(line);
                if (m.matches()) {
                    family = m.group(1);
                    table = m.group(2);
                }
                continue;
            }
            if (chain == null) {
                Matcher m = CHAIN.matcher(line);
                if (m.matches()) {
                    chain = new RawChain(family, table, m.group(1), null, null, null, new ArrayList<>());
                } else if (line.equals("}")) {
                    table = null;
                } else if (braces(line) > 0) {
                    skipDepth = braces(line); // a set, map, flowtable or object block
                }
                continue;
            }
            if (line.equals("}")) {
                raw.add(chain);
                chain = null;
                continue;
            }
            Matcher hook = HOOK.matcher(line);
            if (line.startsWith("type ") && hook.find()) {
                Matcher policy = POLICY.matcher(line);
                chain = new RawChain(chain.family, chain.table, chain.name, hook.group(1), hook.group(2),
                        policy.find() ? policy.group(1) : null, chain.rules);
                continue;
            }
            if (line.startsWith("policy ")) {
                Matcher policy = POLICY.matcher(line);
                chain = new RawChain(chain.family, chain.table, chain.name, chain.type, chain.hook,
                        policy.find() ? policy.group(1) : null, chain.rules);
                continue;
            }
            if (line.startsWith("comment ")) {
                continue;
            }
            if (braces(line) > 0) {
                pending = new StringBuilder(line);
                continue;
            }
            chain.rules.add(line);
            ruleCount++;
        }

        List<BaseChain> bases = new ArrayList<>();
        Map<String, Map<String, Chain>> byTable = new LinkedHashMap<>();
        for (RawChain c : raw) {
            byTable.computeIfAbsent(c.family + " " + c.table, k -> new LinkedHashMap<>());
        }
        for (RawChain c : raw) {
            Map<String, Chain> chains = byTable.get(c.family + " " + c.table);
            List<Rule> rules = new ArrayList<>();
            for (String r : c.rules) {
                rules.add(rule(r));
            }
            chains.put(c.name, new Chain(c.name, rules));
        }
        for (RawChain c : raw) {
            Set<Family> families = switch (c.family) {
                case "ip" -> EnumSet.of(Family.V4);
                case "ip6" -> EnumSet.of(Family.V6);
                case "inet" -> EnumSet.of(Family.V4, Family.V6);
                default -> EnumSet.noneOf(Family.class);
            };
            if (!"filter".equals(c.type) || families.isEmpty()) {
                continue;
            }
            for (Direction d : Direction.values()) {
                if (d.hook.equals(c.hook)) {
                    Map<String, Chain> chains = byTable.get(c.family + " " + c.table);
                    bases.add(new BaseChain(c.family + " " + c.table + "/" + c.name, d, families,
                            c.policy == null ? "accept" : c.policy, chains.get(c.name), chains));
                }
            }
        }
        return new FilterRules(source, bases, ruleCount);
    }

    private static String stripHandle(String line) {
        int hash = line.indexOf(" # handle ");
        return hash >= 0 ? line.substring(0, hash).trim() : line;
    }

    private static int braces(String line) {
        int depth = 0;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '{') {
                depth++;
            } else if (!quoted && c == '}') {
                depth--;
            }
        }
        return depth;
    }

    /** One value after a key, with an optional {@code !=} / {@code ==} in front. */
    private record Value(String text, boolean negated, boolean comparable, int consumed) {
    }

    private static Value value(List<String> words, int i) {
        if (i >= words.size()) {
            return new Value("", false, false, 0);
        }
        String w = words.get(i);
        if ((w.equals("!=") || w.equals("==") || w.equals("ne") || w.equals("eq")) && i + 1 < words.size()) {
            return new Value(words.get(i + 1), w.equals("!=") || w.equals("ne"), true, 2);
        }
        if (Set.of("<", ">", "<=", ">=", "lt", "gt", "le", "ge").contains(w) && i + 1 < words.size()) {
            return new Value(words.get(i + 1), false, false, 2);
        }
        return new Value(w, false, true, 1);
    }

    static Rule rule(String line) {
        List<String> words = Tokens.split(line, true);
        List<Condition> conditions = new ArrayList<>();
        Verdict verdict = Verdict.NONE;
        String target = null;
        int i = 0;
        loop:
        while (i < words.size()) {
            String w = words.get(i);
            String key = i + 1 < words.size() ? words.get(i + 1) : "";
            if (TRANSPORTS.contains(w)) {
                Value v = value(words, i + 2);
                String proto = w;
                if (key.equals("dport") && v.comparable) {
                    conditions.add(t -> !carries(proto, t) ? Test.NO
                            : IptablesSave.ports(Tokens.members(v.text), v.negated, t));
                } else {
                    conditions.add(t -> !carries(proto, t) ? Test.NO
                            : new Test(RuleMatch.UNKNOWN, false));
                }
                i += 2 + v.consumed;
                continue;
            }
            switch (w) {
                case "meta" -> {
                    if (i + 2 < words.size() && words.get(i + 2).equals("set")) {
                        i += 4; // a statement: meta mark set 0x1
                        continue;
                    }
                    Value v = value(words, i + 2);
                    if (key.equals("l4proto") && v.comparable) {
                        conditions.add(t -> protocols(v, t));
                    } else if (key.equals("nfproto") && v.comparable) {
                        conditions.add(t -> new Test(RuleMatch.of(Tokens.members(v.text).contains(
                                t.family() == Family.V4 ? "ipv4" : "ipv6"), v.negated), false));
                    } else if (key.equals("iif") || key.equals("iifname") || key.equals("oif") || key.equals("oifname")) {
                        conditions.add(t -> iface(key, v, t));
                    } else {
                        conditions.add(t -> new Test(RuleMatch.UNKNOWN, false));
                    }
                    i += 2 + v.consumed;
                }
                case "ip", "ip6" -> {
                    Family fam = w.equals("ip") ? Family.V4 : Family.V6;
                    Value v = value(words, i + 2);
                    boolean proto = (fam == Family.V4 && key.equals("protocol")) || (fam == Family.V6 && key.equals("nexthdr"));
                    boolean addr = key.equals("saddr") || key.equals("daddr");
                    conditions.add(t -> {
                        if (t.family() != fam) {
                            return Test.NO;
                        }
                        if (proto && v.comparable) {
                            return protocols(v, t);
                        }
                        if (addr && (v.text.startsWith("127.") || v.text.equals("::1"))) {
                            return new Test(RuleMatch.of(false, v.negated), false);
                        }
                        return new Test(RuleMatch.UNKNOWN, false);
                    });
                    i += 2 + v.consumed;
                }
                case "ct" -> {
                    Value v = value(words, i + 2);
                    if (key.equals("state") && v.comparable) {
                        conditions.add(t -> new Test(RuleMatch.of(Tokens.members(v.text).contains("new"), v.negated), false));
                    } else {
                        conditions.add(t -> new Test(RuleMatch.UNKNOWN, false));
                    }
                    i += 2 + v.consumed;
                }
                case "iif", "iifname", "oif", "oifname" -> {
                    Value v = value(words, i + 1);
                    conditions.add(t -> iface(w, v, t));
                    i += 1 + v.consumed;
                }
                case "fib" -> {
                    // fib daddr type local: the packet is for this host
                    if (i + 3 < words.size() && key.equals("daddr") && words.get(i + 2).equals("type")) {
                        Value v = value(words, i + 3);
                        conditions.add(t -> Tokens.members(v.text).contains("local")
                                ? new Test(RuleMatch.of(t.direction() == Direction.IN, v.negated), false)
                                : new Test(RuleMatch.UNKNOWN, false));
                        i += 3 + v.consumed;
                    } else {
                        conditions.add(t -> new Test(RuleMatch.UNKNOWN, false));
                        i++;
                    }
                }
                case "counter" -> {
                    i++;
                    while (i + 1 < words.size() && (words.get(i).equals("packets") || words.get(i).equals("bytes"))) {
                        i += 2;
                    }
                }
                case "log" -> {
                    i++;
                    while (i + 1 < words.size() && Set.of("prefix", "level", "flags", "group", "snaplen",
                            "queue-threshold").contains(words.get(i))) {
                        i += 2;
                    }
                }
                case "comment" -> i += 2;
                case "accept" -> {
                    verdict = Verdict.ACCEPT;
                    break loop;
                }
                case "drop", "reject" -> {
                    verdict = Verdict.DROP;
                    break loop;
                }
                case "return" -> {
                    verdict = Verdict.RETURN;
                    break loop;
                }
                case "jump", "goto" -> {
                    verdict = w.equals("jump") ? Verdict.JUMP : Verdict.GOTO;
                    target = key;
                    break loop;
                }
                case "continue" -> {
                    break loop;
                }
                default -> {
                    conditions.add(t -> new Test(RuleMatch.UNKNOWN, false));
                    i++;
                }
            }
        }
        return new Rule(line, Condition.all(conditions), verdict, target);
    }

    /** {@code tcp ...} holds only for TCP traffic; {@code th ...} for any protocol with ports. */
    private static boolean carries(String proto, Traffic t) {
        return proto.equals("th") ? t.protocol() != Traffic.Protocol.IPIP
                : Protocols.protocol(proto) == t.protocol().number;
    }

    private static Test protocols(Value v, Traffic t) {
        boolean any = false;
        for (String member : Tokens.members(v.text)) {
            if (member.startsWith("@")) {
                return new Test(RuleMatch.UNKNOWN, false);
            }
            int p = Protocols.protocol(member);
            if (p == Protocols.UNKNOWN) {
                return new Test(RuleMatch.UNKNOWN, false);
            }
            any |= p == t.protocol().number;
        }
        return new Test(RuleMatch.of(any, v.negated), any && !v.negated);
    }

    private static Test iface(String key, Value v, Traffic t) {
        boolean inbound = key.startsWith("i");
        if (inbound != (t.direction() == Direction.IN)) {
            return new Test(RuleMatch.UNKNOWN, false);
        }
        if (Tokens.members(v.text).equals(List.of("lo"))) {
            return new Test(RuleMatch.of(false, v.negated), false);
        }
        return new Test(RuleMatch.UNKNOWN, false);
    }
}
