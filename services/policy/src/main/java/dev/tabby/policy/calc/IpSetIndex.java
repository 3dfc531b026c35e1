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
    /** label key -> value -> keys of the items carrying it. */
    private final Map<String, Map<String, Set<String>>> byLabel = new HashMap<>();
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
        for (IpSetItem item : candidates(spec)) {
            if (!spec.selector().matches(item.labels())) {
                continue; // most candidates of a new set: skip without building their contributions
            }
            for (String member : spec.isNamedPort() ? contributions(spec, item) : item.nets()) {
                m.merge(member, 1, Integer::sum);
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

    /**
     * The items a new set's selector can match: with a {@code key == "value"} term it must satisfy, only the items
     * carrying that label (the rarest such pair); else all. A new selector then costs the items that share its
     * labels, not the whole cluster (felix's label index scans every item; this is the same answer, sooner).
     */
    private Iterable<IpSetItem> candidates(IpSetSpec spec) {
        Set<String> best = null;
        for (Map.Entry<String, String> eq : spec.selector().requiredEqualities().entrySet()) {
            Set<String> keys = byLabel.getOrDefault(eq.getKey(), Map.of()).getOrDefault(eq.getValue(), Set.of());
            if (best == null || keys.size() < best.size()) {
                best = keys;
            }
        }
        if (best == null) {
            return items.values();
        }
        List<IpSetItem> out = new ArrayList<>(best.size());
        best.forEach(k -> out.add(items.get(k)));
        return out;
    }

    private void index(String key, IpSetItem item) {
        item.labels().forEach((k, v) -> byLabel.computeIfAbsent(k, x -> new HashMap<>())
                .computeIfAbsent(v, x -> new java.util.HashSet<>()).add(key));
    }

    private void unindex(String key, IpSetItem item) {
        if (item == null) {
            return;
        }
        item.labels().forEach((k, v) -> {
            Map<String, Set<String>> byValue = byLabel.get(k);
            Set<String> keys = byValue == null ? null : byValue.get(v);
            if (keys != null) {
                keys.remove(key);
                if (keys.isEmpty()) {
                    byValue.remove(v);
                }
            }
        });
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
