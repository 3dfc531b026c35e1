package dev.tabby.policy.calc;

import dev.tabby.model.v3.EndpointPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Incremental membership of the active selector IP sets (the job of felix labelindex/ipset_member_index.go, v3.18's
 * SelectorAndNamedPortIndex): given items (endpoints, network sets) and the sets rules use, it keeps each set's
 * members and answers every change with only the members that changed, so a label change touches only the sets it
 * affects.
 *
 * <p>Members: a selector set holds the matching items' nets ({@code 10.0.0.1/32}, {@code 10.1.0.0/16}); a named-port
 * set holds {@code <ip>,<proto>:<port>} for every matching endpoint that has a port of that name and protocol (felix's
 * hash:ip,port member syntax). IPv4 and IPv6 members share a set; the dataplane splits them into cali40 and cali60
 * sets. A member contributed by two items stays until the last one goes.
 *
 * <p>Not thread-safe: one calculation thread owns it.
 */
public final class IpSetIndex {
    private final Map<String, IpSetItem> items = new HashMap<>();
    /**
     * The items' keys grouped by their whole label map. Replicas of one workload carry equal labels (the renderer
     * even hands them one shared map), so a cluster of 50,000 endpoints has a few hundred groups: one entry per item
     * here, where a per-label index held one per label (four or more per endpoint, most of this index's heap at
     * 50,000 endpoints, issue 16). A selector's verdict depends only on the labels, so a new set asks it once per
     * group.
     */
    private final Map<Map<String, String>, Set<String>> byLabels = new HashMap<>();
    private final Map<String, IpSetSpec> sets = new LinkedHashMap<>();
    /** set ID → member → how many items contribute it. */
    private final Map<String, Map<String, Integer>> members = new HashMap<>();

    /** Starts keeping a set; returns its initial members as additions. Adding a set already kept changes nothing. */
    public IpSetDelta addSet(IpSetSpec spec) {
        String id = spec.id();
        if (sets.containsKey(id)) {
            return new IpSetDelta(id, Set.of(), Set.of());
        }
        sets.put(id, spec);
        Map<String, Integer> m = new HashMap<>();
        members.put(id, m);
        for (Map.Entry<Map<String, String>, Set<String>> group : byLabels.entrySet()) {
            if (!spec.selector().matches(group.getKey())) {
                continue; // most groups for a new set: skip without building their contributions
            }
            for (String key : group.getValue()) {
                IpSetItem item = items.get(key);
                for (String member : spec.isNamedPort() ? contributions(spec, item) : item.nets()) {
                    m.merge(member, 1, Integer::sum);
                }
            }
        }
        return new IpSetDelta(id, m.keySet(), Set.of());
    }

    /** Stops keeping a set (the renderer deletes it from the dataplane). */
    public void removeSet(String setId) {
        sets.remove(setId);
        members.remove(setId);
    }

    /** Adds or replaces an item; returns the deltas of the sets whose members changed, and only those. */
    public List<IpSetDelta> putItem(String key, IpSetItem item) {
        IpSetItem old = items.put(key, item);
        unindex(key, old);
        index(key, item);
        return diff(old, item);
    }

    public List<IpSetDelta> removeItem(String key) {
        IpSetItem old = items.remove(key);
        unindex(key, old);
        return old == null ? List.of() : diff(old, null);
    }

    private void index(String key, IpSetItem item) {
        byLabels.computeIfAbsent(item.labels(), x -> new java.util.HashSet<>()).add(key);
    }

    private void unindex(String key, IpSetItem item) {
        if (item == null) {
            return;
        }
        Set<String> group = byLabels.get(item.labels());
        if (group != null) {
            group.remove(key);
            if (group.isEmpty()) {
                byLabels.remove(item.labels());
            }
        }
    }

    /**
     * The current members of a set, read-only and in no order, without a copy: for a caller that copies them anyway
     * (the renderer writes a set whole; sorting a set of thousands per change was most of a change's cost, issue 16).
     * Valid until the next change to this index.
     */
    public Set<String> memberView(String setId) {
        Map<String, Integer> m = members.get(setId);
        return m == null ? Set.of() : java.util.Collections.unmodifiableSet(m.keySet());
    }

    /** The current members of a set, sorted; empty for a set not kept. */
    public Set<String> members(String setId) {
        Map<String, Integer> m = members.get(setId);
        return m == null ? Set.of() : new TreeSet<>(m.keySet());
    }

    public Set<String> setIds() {
        return Set.copyOf(sets.keySet());
    }

    private List<IpSetDelta> diff(IpSetItem old, IpSetItem now) {
        List<IpSetDelta> out = new ArrayList<>();
        for (Map.Entry<String, IpSetSpec> e : sets.entrySet()) {
            Set<String> before = old == null ? Set.of() : contributions(e.getValue(), old);
            Set<String> after = now == null ? Set.of() : contributions(e.getValue(), now);
            if (before.equals(after)) {
                continue;
            }
            Map<String, Integer> m = members.get(e.getKey());
            Set<String> added = new TreeSet<>();
            Set<String> removed = new TreeSet<>();
            for (String member : before) {
                if (!after.contains(member) && m.merge(member, -1, Integer::sum) == 0) {
                    m.remove(member);
                    removed.add(member);
                }
            }
            for (String member : after) {
                if (!before.contains(member) && m.merge(member, 1, Integer::sum) == 1) {
                    added.add(member);
                }
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                out.add(new IpSetDelta(e.getKey(), added, removed));
            }
        }
        return out;
    }

    /** What one item puts into one set. */
    static Set<String> contributions(IpSetSpec spec, IpSetItem item) {
        if (!spec.selector().matches(item.labels())) {
            return Set.of();
        }
        if (!spec.isNamedPort()) {
            return new TreeSet<>(item.nets());
        }
        Set<String> out = new TreeSet<>();
        for (EndpointPort p : item.ports()) {
            if (p.name() == null || !p.name().equals(spec.namedPort()) || p.protocol() == null || p.port() == null
                    || !RuleConverter.namedPortProtocol(p.protocol()).equals(spec.namedPortProtocol())
                    || !p.protocol().hasPorts() || p.protocol().number() == 136) {
                continue;
            }
            for (String net : item.nets()) {
                String ip = net.substring(0, net.indexOf('/'));
                out.add(ip + "," + spec.namedPortProtocol() + ":" + p.port());
            }
        }
        return out;
    }
}
