package dev.tabby.policy.explain;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Protocol;
import dev.tabby.policy.render.IptRule;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A test-only reading of the iptables rules the renderer writes, as the kernel would run them on one packet: enough of
 * iptables (-p, --source/--destination, set, multiport, icmp/icmp6, mark; MARK, RETURN, DROP, LOG) to walk one policy
 * chain. It knows nothing of the explainer, so the two agreeing says the explainer reads rules as the kernel does.
 */
final class ChainInterpreter {
    enum Outcome { ALLOW, DENY, PASS, NO_MATCH }

    record Pkt(IpAddress src, IpAddress dst, int protocol, int srcPort, int dstPort, int icmpType, int icmpCode) {
        boolean hasPorts() {
            return protocol == 6 || protocol == 17 || protocol == 132 || protocol == 136;
        }
    }

    private final Map<String, Set<String>> ipSets;
    private final int acceptMark;
    private final int passMark;

    /** @param ipSets members by ipset name, as the ipset driver would write them; one interpreter per packet */
    ChainInterpreter(Map<String, Set<String>> ipSets, int acceptMark, int passMark) {
        this.ipSets = ipSets;
        this.acceptMark = acceptMark;
        this.passMark = passMark;
    }

    private int mark;

    /** Runs one policy or profile chain from a clear mark: its outcome as the endpoint chain reads it. */
    Outcome run(List<IptRule> chain, Pkt p) {
        return classify(call(Map.of(), chain, p));
    }

    /** Runs an endpoint chain, jumping into the policy and profile chains it names. */
    Outcome runEndpoint(Map<String, List<IptRule>> chains, String start, Pkt p) {
        return classify(call(chains, chains.get(start), p));
    }

    private enum Exit { ACCEPT, DROP, RETURN }

    private Outcome classify(Exit exit) {
        if (exit == Exit.DROP) {
            return Outcome.DENY;
        }
        if (exit == Exit.ACCEPT || (mark & acceptMark) != 0) {
            return Outcome.ALLOW;
        }
        return (mark & passMark) != 0 ? Outcome.PASS : Outcome.NO_MATCH;
    }

    private Exit call(Map<String, List<IptRule>> chains, List<IptRule> chain, Pkt p) {
        for (IptRule r : chain) {
            boolean all = true;
            for (String fragment : r.match()) {
                all &= matches(fragment, p, mark);
            }
            if (!all) {
                continue;
            }
            String a = r.action();
            if (a.startsWith("--jump MARK --set-mark ")) {
                String[] vm = a.substring("--jump MARK --set-mark ".length()).split("/");
                int value = (int) Long.decode(vm[0]).longValue();
                int mask = (int) Long.decode(vm[1]).longValue();
                mark = (mark & ~mask) | value;
            } else if (a.equals("--jump RETURN")) {
                return Exit.RETURN;
            } else if (a.equals("--jump DROP")) {
                return Exit.DROP;
            } else if (a.equals("--jump ACCEPT")) {
                return Exit.ACCEPT;
            } else if (a.startsWith("--jump LOG")) {
                // not terminal
            } else if (a.startsWith("--jump ")) {
                List<IptRule> target = chains.get(a.substring(7));
                if (target == null) {
                    throw new IllegalStateException("jump to a chain that was not rendered: " + a);
                }
                Exit e = call(chains, target, p);
                if (e != Exit.RETURN) {
                    return e;
                }
            } else {
                throw new IllegalStateException("action not modelled: " + a);
            }
        }
        return Exit.RETURN;
    }

    private boolean matches(String f, Pkt p, int mark) {
        boolean neg = false;
        String s = f;
        if (s.startsWith("! ")) {
            neg = true;
            s = s.substring(2);
        }
        if (s.startsWith("-p ")) {
            return (Protocol.parse(s.substring(3)).number() == p.protocol()) != neg;
        }
        if (s.startsWith("--source ")) {
            return Cidr.parseCidrOrIp(s.substring(9)).contains(p.src()) != neg;
        }
        if (s.startsWith("--destination ")) {
            return Cidr.parseCidrOrIp(s.substring(14)).contains(p.dst()) != neg;
        }
        if (s.startsWith("-m conntrack --ctstate ")) {
            return neg; // a new flow: neither RELATED, ESTABLISHED nor INVALID
        }
        if (s.startsWith("-m mark --mark ")) {
            String[] vm = s.substring("-m mark --mark ".length()).split("/");
            return (mark & (int) Long.decode(vm[1]).longValue()) == (int) Long.decode(vm[0]).longValue();
        }
        if (s.startsWith("-m set ")) {
            String rest = s.substring(7);
            if (rest.startsWith("! ")) {
                neg = true;
                rest = rest.substring(2);
            }
            String[] parts = rest.substring("--match-set ".length()).split(" ");
            Set<String> members = ipSets.getOrDefault(parts[0], Set.of());
            boolean in;
            switch (parts[1]) {
                case "src" -> in = inNet(members, p.src());
                case "dst" -> in = inNet(members, p.dst());
                case "src,src" -> in = p.hasPorts() && members.contains(p.src() + "," + name(p.protocol()) + ":" + p.srcPort());
                case "dst,dst" -> in = p.hasPorts() && members.contains(p.dst() + "," + name(p.protocol()) + ":" + p.dstPort());
                default -> throw new IllegalStateException("set direction not modelled: " + f);
            }
            return in != neg;
        }
        if (s.startsWith("-m multiport ")) {
            String rest = s.substring(13);
            if (rest.startsWith("! ")) {
                neg = true;
                rest = rest.substring(2);
            }
            if (!p.hasPorts()) {
                return false;
            }
            String[] parts = rest.split(" ");
            int port = parts[0].equals("--source-ports") ? p.srcPort() : p.dstPort();
            boolean in = false;
            for (String range : parts[1].split(",")) {
                String[] lohi = range.split(":");
                int lo = Integer.parseInt(lohi[0]);
                int hi = lohi.length > 1 ? Integer.parseInt(lohi[1]) : lo;
                in |= lo <= port && port <= hi;
            }
            return in != neg;
        }
        if (s.startsWith("-m icmp ") || s.startsWith("-m icmp6 ")) {
            boolean v6 = s.startsWith("-m icmp6 ");
            String rest = s.substring(v6 ? 9 : 8);
            if (rest.startsWith("! ")) {
                neg = true;
                rest = rest.substring(2);
            }
            if (p.protocol() != (v6 ? 58 : 1)) {
                return false;
            }
            String[] tc = rest.split(" ")[1].split("/");
            boolean in = Integer.parseInt(tc[0]) == p.icmpType()
                    && (tc.length == 1 || Integer.parseInt(tc[1]) == p.icmpCode());
            return in != neg;
        }
        throw new IllegalStateException("match not modelled: " + f);
    }

    private static boolean inNet(Set<String> members, IpAddress ip) {
        return members.stream().anyMatch(m -> Cidr.parse(m).contains(ip));
    }

    private static String name(int protocol) {
        return switch (protocol) {
            case 6 -> "tcp";
            case 17 -> "udp";
            case 132 -> "sctp";
            default -> "proto" + protocol;
        };
    }
}
