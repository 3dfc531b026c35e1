package dev.tabby.renderer.state;

import dev.tabby.dataplane.ipset.IpSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed in the desired dataplane since the last flush: chains to write or remove per table, the built-in
 * chains' hook rules, and IP sets to write or remove. Rules are in the table driver's form: everything after
 * {@code -A <chain>} except the {@code cali:} hash comment, which the driver adds.
 */
public final class DataplaneChanges {
    public final Map<TableKey, Map<String, List<String>>> chains = new HashMap<>();
    public final Map<TableKey, Set<String>> removedChains = new HashMap<>();
    public final Map<TableKey, Map<String, Layout.Hook>> hooks = new HashMap<>();
    public final Map<String, IpSet> ipSets = new HashMap<>();
    public final Set<String> removedIpSets = new HashSet<>();

    void setChain(TableKey t, String chain, List<String> rules) {
        chains.computeIfAbsent(t, k -> new HashMap<>()).put(chain, rules);
        Set<String> removed = removedChains.get(t);
        if (removed != null) {
            removed.remove(chain);
        }
    }

    void removeChain(TableKey t, String chain) {
        Map<String, List<String>> set = chains.get(t);
        if (set != null) {
            set.remove(chain);
        }
        removedChains.computeIfAbsent(t, k -> new HashSet<>()).add(chain);
    }

    public boolean isEmpty() {
        return chains.values().stream().allMatch(Map::isEmpty) && removedChains.values().stream().allMatch(Set::isEmpty)
                && hooks.isEmpty() && ipSets.isEmpty() && removedIpSets.isEmpty();
    }

    public int chainCount() {
        return chains.values().stream().mapToInt(Map::size).sum();
    }
}
