package dev.tabby.policy.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code cali-from-wl-dispatch} and {@code cali-to-wl-dispatch}: send a packet to its workload's {@code cali-fw-} /
 * {@code cali-tw-} chain by interface name, as felix rules/dispatch.go WorkloadDispatchChains does. Names are sorted
 * and grouped by the one character after their common prefix; a group of several gets a child chain
 * ({@code cali-from-wl-dispatch-<char>}, matched with {@code <prefix>+}), so a large node does not walk one long list.
 */
public final class WorkloadDispatch {
    public static final String FROM_WORKLOAD_DISPATCH = "cali-from-wl-dispatch";
    public static final String TO_WORKLOAD_DISPATCH = "cali-to-wl-dispatch";

    private WorkloadDispatch() {
    }

    private static final List<IptRule> END_RULES = List.of(
            new IptRule(List.of(), Actions.DROP, List.of("Unknown interface")));

    /** Child chains first, then the root, from-dispatch before to-dispatch (Felix's order). */
    public static List<Chain> chains(List<String> interfaceNames) {
        TreeSet<String> sorted = new TreeSet<>(interfaceNames);
        for (String n : sorted) {
            if (n.isEmpty()) {
                throw new IllegalArgumentException("a workload endpoint has an empty interface name; every endpoint needs one");
            }
        }
        String common = commonPrefix(new ArrayList<>(sorted));
        Map<String, List<String>> byPrefix = new LinkedHashMap<>();
        for (String name : sorted) {
            String prefix = name.length() > common.length() ? name.substring(0, common.length() + 1) : common;
            byPrefix.computeIfAbsent(prefix, k -> new ArrayList<>()).add(name);
        }
        List<Chain> out = new ArrayList<>();
        out.addAll(single(FROM_WORKLOAD_DISPATCH, common, byPrefix, EndpointChains.FROM_WORKLOAD_PREFIX, "--in-interface "));
        out.addAll(single(TO_WORKLOAD_DISPATCH, common, byPrefix, EndpointChains.TO_WORKLOAD_PREFIX, "--out-interface "));
        return out;
    }

    private static List<Chain> single(String chainName, String common, Map<String, List<String>> byPrefix,
                                      String endpointPrefix, String ifaceMatch) {
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
                childRules.addAll(END_RULES);
                children.add(new Chain(child, childRules));
            } else {
                String name = names.get(0);
                root.add(new IptRule(List.of(ifaceMatch + name),
                        Actions.gotoChain(EndpointChains.chainName(endpointPrefix, name))));
            }
        }
        root.addAll(END_RULES);
        children.add(new Chain(chainName, root));
        return children;
    }

    /** libcalico-go/felix stringutils.CommonPrefix: the longest prefix all names share ("" for none). */
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
