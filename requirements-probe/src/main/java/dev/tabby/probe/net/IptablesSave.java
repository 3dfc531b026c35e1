package dev.tabby.probe.net;

import dev.tabby.probe.net.FilterRules.BaseChain;
import dev.tabby.probe.net.FilterRules.Chain;
import dev.tabby.probe.net.FilterRules.Condition;
import dev.tabby.probe.net.FilterRules.Rule;
import dev.tabby.probe.net.FilterRules.Test;
import dev.tabby.probe.net.FilterRules.Verdict;
import dev.tabby.probe.net.Traffic.Direction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code iptables-save} / {@code ip6tables-save} output. Only the filter table decides here: INPUT for traffic
 * arriving from peers and OUTPUT for traffic to them (host-to-host traffic never crosses FORWARD). Conditions the
 * probe understands: protocol, destination ports (also multiport), conntrack state, loopback interfaces and
 * addresses, addrtype LOCAL; anything else makes the rule a "may".
 */
final class IptablesSave {
    private IptablesSave() {
    }

    static FilterRules parse(String source, String text, Traffic.Family family) {
        String table = null;
        int ruleCount = 0;
        Map<String, String> policies = new LinkedHashMap<>();
        Map<String, List<String>> ruleLines = new LinkedHashMap<>();
        for (String raw : text.lines().toList()) {
            String line = raw.trim();
            if (line.startsWith("[") && line.indexOf(']') > 0) {
                line = line.substring(line.indexOf(']') + 1).trim(); // counters from iptables-save -c
            }
            if (line.startsWith("*")) {
                table = line.substring(1).trim();
                continue;
            }
            if (line.startsWith("-A ")) {
                ruleCount++;
            }
            if (!"filter".equals(table)) {
                continue;
            }
            if (line.startsWith(":")) {
                String[] words = line.substring(1).split("\\s+");
                if (words.length >= 2) {
                    policies.put(words[0], words[1]);
                    ruleLines.putIfAbsent(words[0], new ArrayList<>());
                }
            } else if (line.startsWith("-A ")) {
                String[] words = line.split("\\s+", 3);
                if (words.length >= 2) {
                    ruleLines.computeIfAbsent(words[1], k -> new ArrayList<>()).add(line);
                }
            }
        }
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : ruleLines.entrySet()) {
            List<Rule> rules = new ArrayList<>();
            for (String line : e.getValue()) {
                rules.add(rule(line, ruleLines.keySet()));
            }
            chains.put(e.getKey(), new Chain(e.getKey(), rules));
        }
        List<BaseChain> bases = new ArrayList<>();
        for (Direction d : Direction.values()) {
            Chain chain = chains.get(d.chain);
            if (chain != null) {
                bases.add(new BaseChain("filter/" + d.chain, d, Set.of(family), policies.getOrDefault(d.chain, "ACCEPT"),
                        chain, chains));
            }
        }
        return new FilterRules(source, bases, ruleCount);
    }

    static Rule rule(String line, Set<String> chainNames) {
        List<String> words = Tokens.split(line, false);
        List<Condition> conditions = new ArrayList<>();
        Verdict verdict = Verdict.NONE;
        String target = null;
        boolean negate = false;
        int i = 2; // after "-A CHAIN"
        while (i < words.size()) {
            String w = words.get(i);
            if (w.equals("!")) {
                negate = true;
                i++;
                continue;
            }
            String value = i + 1 < words.size() ? words.get(i + 1) : "";
            boolean neg = negate;
            negate = false;
            switch (w) {
                case "-j", "--jump", "-g", "--goto" -> {
                    target = value;
                    verdict = switch (value) {
                        case "ACCEPT" -> Verdict.ACCEPT;
                        case "DROP", "REJECT" -> Verdict.DROP;
                        case "RETURN" -> Verdict.RETURN;
                        default -> chainNames.contains(value)
                                ? (w.startsWith("-g") || w.equals("--goto") ? Verdict.GOTO : Verdict.JUMP) : Verdict.NONE;
                    };
                    i = words.size(); // what follows are the target's own options
                    continue;
                }
                case "-p", "--protocol" -> conditions.add(t -> protocol(value, neg, t));
                case "--dport", "--destination-port" -> conditions.add(t -> ports(List.of(value), neg, t));
                case "--dports", "--destination-ports", "--ports" ->
                        conditions.add(t -> ports(List.of(value.split(",")), neg, t));
                case "--ctstate", "--state" -> conditions.add(t -> new Test(RuleMatch.of(
                        List.of(value.split(",")).contains("NEW"), neg), false));
                case "-i", "--in-interface" -> conditions.add(t -> iface(value, neg, t.direction() == Direction.IN));
                case "-o", "--out-interface" -> conditions.add(t -> iface(value, neg, t.direction() == Direction.OUT));
                case "-s", "--source", "-d", "--destination" -> conditions.add(t -> address(value, neg));
                case "--dst-type" -> conditions.add(t -> addrType(value, neg, t.direction() == Direction.IN));
                case "--src-type" -> conditions.add(t -> addrType(value, neg, t.direction() == Direction.OUT));
                case "-m", "--match", "--comment" -> {
                    // loading a match module, or a comment: no condition of its own
                }
                default -> {
                    conditions.add(t -> new Test(RuleMatch.UNKNOWN, false));
                    if (value.startsWith("-") || value.equals("!")) {
                        i++;
                        continue;
                    }
                }
            }
            i += 2;
        }
        return new Rule(line, Condition.all(conditions), verdict, target);
    }

    private static Test protocol(String value, boolean neg, Traffic t) {
        if (Protocols.isAll(value)) {
            return new Test(RuleMatch.of(true, neg), false);
        }
        int p = Protocols.protocol(value);
        if (p == Protocols.UNKNOWN) {
            return new Test(RuleMatch.UNKNOWN, false);
        }
        boolean holds = p == t.protocol().number;
        return new Test(RuleMatch.of(holds, neg), holds && !neg);
    }

    static Test ports(List<String> specs, boolean neg, Traffic t) {
        if (t.protocol() == Traffic.Protocol.IPIP) {
            return Test.NO;
        }
        boolean any = false;
        for (String spec : specs) {
            Boolean in = Protocols.portIn(spec, t.port());
            if (in == null) {
                // a named set or unknown service: it is about ports, maybe this one
                return new Test(RuleMatch.UNKNOWN, true);
            }
            any |= in;
        }
        return new Test(RuleMatch.of(any, neg), any && !neg);
    }

    /**
     * Peers never arrive on, and are never reached through, lo or Calico's workload interfaces ({@code cali*}: they
     * lead to this host's own workloads, and Felix's chains such as cali-from-wl-dispatch are entered only for
     * them); other interfaces depend on the host.
     */
    private static Test iface(String name, boolean neg, boolean applies) {
        if (!applies) {
            return new Test(RuleMatch.MATCH, false);
        }
        if (name.equals("lo") || name.startsWith("cali")) {
            return new Test(RuleMatch.of(false, neg), false);
        }
        return new Test(name.equals("+") ? RuleMatch.of(true, neg) : RuleMatch.UNKNOWN, false);
    }

    private static Test address(String cidr, boolean neg) {
        if (cidr.equals("0.0.0.0/0") || cidr.equals("::/0")) {
            return new Test(RuleMatch.of(true, neg), false);
        }
        if (cidr.startsWith("127.") || cidr.equals("::1") || cidr.equals("::1/128")) {
            // Traffic between hosts has no loopback address on either side.
            return new Test(RuleMatch.of(false, neg), false);
        }
        return new Test(RuleMatch.UNKNOWN, false);
    }

    private static Test addrType(String types, boolean neg, boolean isLocalSide) {
        List<String> list = List.of(types.split(","));
        if (list.contains("LOCAL")) {
            return new Test(RuleMatch.of(isLocalSide, neg), false);
        }
        return new Test(RuleMatch.UNKNOWN, false);
    }
}
