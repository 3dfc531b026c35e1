package dev.tabby.testbed.routers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads birdc's answers: {@code show route all} and {@code show protocols all NAME}. */
final class BirdOutput {
    // A route's first line: the prefix (absent on a second route for the same prefix), its type and protocol.
    private static final Pattern ROUTE = Pattern.compile("^(\\S+)?\\s+(unicast|blackhole|unreachable|prohibited)\\s+\\[");
    private static final Pattern BGP_STATE = Pattern.compile("^\\s+BGP state:\\s+(\\S+)");

    private BirdOutput() {
    }

    /** The BGP routes of {@code show route ... all}: BGP.next_hop's first (global) address and BGP.as_path. */
    static List<LearnedRoute> routes(String showRouteAll) {
        List<LearnedRoute> out = new ArrayList<>();
        String prefix = null;
        String nextHop = null;
        List<Long> asPath = null;
        boolean inRoute = false;
        for (String line : showRouteAll.split("\\R")) {
            Matcher m = ROUTE.matcher(line);
            if (m.find()) {
                if (inRoute && nextHop != null) {
                    out.add(new LearnedRoute(prefix, nextHop, asPath));
                }
                if (m.group(1) != null) {
                    prefix = m.group(1);
                }
                inRoute = true;
                nextHop = null;
                asPath = List.of();
                continue;
            }
            String t = line.strip();
            if (!inRoute) {
                continue;
            }
            if (t.startsWith("BGP.next_hop:")) {
                String[] hops = t.substring("BGP.next_hop:".length()).strip().split("\\s+");
                nextHop = hops[0];
            } else if (t.startsWith("BGP.as_path:")) {
                asPath = asPath(t.substring("BGP.as_path:".length()));
            } else if (t.startsWith("Table ")) {
                if (nextHop != null) {
                    out.add(new LearnedRoute(prefix, nextHop, asPath));
                }
                inRoute = false;
                nextHop = null;
            }
        }
        if (inRoute && nextHop != null) {
            out.add(new LearnedRoute(prefix, nextHop, asPath));
        }
        return out;
    }

    /** The BGP state line of {@code show protocols all NAME}; a protocol that is down has none: Idle. */
    static String bgpState(String showProtocolsAll) {
        for (String line : showProtocolsAll.split("\\R")) {
            Matcher m = BGP_STATE.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return "Idle";
    }

    /** An AS path as BIRD and FRR print it: ASNs separated by spaces, AS sets in braces or parentheses. */
    static List<Long> asPath(String text) {
        List<Long> path = new ArrayList<>();
        for (String tok : text.replaceAll("[{}()\\[\\],]", " ").strip().split("\\s+")) {
            if (!tok.isEmpty() && tok.chars().allMatch(Character::isDigit)) {
                path.add(Long.parseLong(tok));
            }
        }
        return path;
    }
}
