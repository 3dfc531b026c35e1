package dev.tabby.policy.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dispatch by interface name, as felix rules/dispatch.go interfaceNameDispatchChains / buildSingleDispatchChains /
 * sortAndDivideEndpointNamesToPrefixTree do it for workloads and host endpoints alike. Names are sorted and grouped by
 * the one character after their common prefix; a group of several gets a child chain ({@code <root>-<char>}, matched
 * with {@code <prefix>+}), so a large node does not walk one long list. Because the root jumps to a child with a goto,
 * each child ends with the root's end rules too.
 */
final class InterfaceDispatch {
    private InterfaceDispatch() {
    }

    /**
     * @param fromEndpointPrefix chain prefix for traffic from an interface ({@code --in-interface}), or null for no
     *                           "from" chains
     * @param toEndpointPrefix   chain prefix for traffic to an interface ({@code --out-interface}), or null for no "to"
     *                           chains
     * @return the "from" child chains, the "from" root, the "to" child chains, the "to" root (Felix's order)
     */
    static List<Chain> chains(List<String> interfaceNames, String fromEndpointPrefix, String toEndpointPrefix,
                              String fromDispatchChain, String toDispatchChain,
                              List<IptRule> fromEndRules, List<IptRule> toEndRules) {
        TreeSet<String> sorted = new TreeSet<>(interfaceNames); // duplicates collapse, as Felix skips them
        for (String n : sorted) {
            if (n.isEmpty()) {
                throw new IllegalArgumentException("an endpoint has an empty interface name; every endpoint needs one");
            }
        }
        String common = commonPrefix(new ArrayList<>(sorted));
        Map<String, List<String>> byPrefix = new LinkedHashMap<>();
        for (String name : sorted) {
            String prefix = name.length() > common.length() ? name.substring(0, common.length() + 1) : common;
            byPrefix.computeIfAbsent(prefix, k -> new ArrayList<>()).add(name);
        }
        List<Chain> out = new ArrayList<>();
        if (fromEndpointPrefix != null) {
            out.addAll(single(fromDispatchChain, common, byPrefix, fromEndpointPrefix, "--in-interface ", fromEndRules));
        }
        if (toEndpointPrefix != null) {
            out.addAll(single(toDispatchChain, common, byPrefix, toEndpointPrefix, "--out-interface ", toEndRules));
        }
        return out;
    }

    /** felix buildSingleDispatchChains: child chains, then the root. */
    private static List<Chain> single(String chainName, String common, Map<String, List<String>> byPrefix,
                                      String endpointPrefix, String ifaceMatch, List<IptRule> endRules) {
        List<Chain> children = new ArrayList<>();
        List<IptRule> root = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            List<String> names = e.getValue();
            if (names.size() > 1) {
                String child = chainName + "-" + prefix.substring(common.length());
                root.add(new IptRule(List.of(ifaceMatch + prefix + "+"), Actions.gotoChain(child)));
                List<IptRule> childRules = new ArrayList<>();
                for (String name : names) {
                    childRules.add(new IptRule(List.of(ifaceMatch + name),
                            Actions.gotoChain(EndpointChains.chainName(endpointPrefix, name))));
                }
                childRules.addAll(endRules);
                children.add(new Chain(child, childRules));
            } else {
                String name = names.get(0);
                root.add(new IptRule(List.of(ifaceMatch + name),
                        Actions.gotoChain(EndpointChains.chainName(endpointPrefix, name))));
            }
        }
        root.addAll(endRules);
        children.add(new Chain(chainName, root));
        return children;
    }

    /** felix stringutils.CommonPrefix: the longest prefix all names share ("" for none). */
    static String commonPrefix(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        String prefix = names.get(0);
        for (String n : names) {
            int i = 0;
            while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) {
                i++;
            }
            prefix = prefix.substring(0, i);
        }
        return prefix;
    }
}
