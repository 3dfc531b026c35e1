package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Incremental membership equals a recomputation from scratch after every step of random item changes, and a
 * dataplane that applies only the deltas ends up with exactly the members (fixed seeds, so a failure reproduces).
 */
class IpSetIndexRandomizedTest {
    static final List<String> KEYS = List.of("a", "b", "c", "d", "e", "f");
    static final List<IpSetSpec> SETS = List.of(
            IpSetSpec.forSelector(Selector.parse("role == 'web'")),
            IpSetSpec.forSelector(Selector.parse("role == 'db' || has(edge)")),
            IpSetSpec.forSelector(Selector.parse("role == 'db' && has(edge)")),
            IpSetSpec.forSelector(Selector.parse("!has(role)")),
            new IpSetSpec(Selector.parse("has(role)"), "http", "tcp"),
            new IpSetSpec(Selector.ALL, "dns", "udp"));

    static IpSetItem randomItem(Random r) {
        Map<String, String> labels = new HashMap<>();
        if (r.nextBoolean()) {
            labels.put("role", r.nextBoolean() ? "web" : "db");
        }
        if (r.nextInt(4) == 0) {
            labels.put("edge", "");
        }
        List<String> nets = new ArrayList<>();
        nets.add("10.0.0." + r.nextInt(4) + "/32");
        if (r.nextInt(3) == 0) {
            nets.add("fd00::" + r.nextInt(3) + "/128");
        }
        List<EndpointPort> ports = new ArrayList<>();
        if (r.nextBoolean()) {
            ports.add(new EndpointPort("http", Protocol.TCP, 80 + r.nextInt(2)));
        }
        if (r.nextBoolean()) {
            ports.add(new EndpointPort("dns", r.nextBoolean() ? Protocol.UDP : Protocol.TCP, 53));
        }
        return new IpSetItem(labels, nets, ports);
    }

    @Test
    void deltasReproduceFullRecomputation() {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            IpSetIndex idx = new IpSetIndex();
            Map<String, Set<String>> dataplane = new HashMap<>();
            Map<String, IpSetItem> truth = new HashMap<>();
            // Half the sets exist from the start, the rest arrive midway.
            for (IpSetSpec s : SETS.subList(0, 2)) {
                apply(dataplane, idx.addSet(s));
            }
            for (int step = 0; step < 200; step++) {
                if (step == 100) {
                    for (IpSetSpec s : SETS.subList(2, SETS.size())) {
                        apply(dataplane, idx.addSet(s));
                    }
                }
                String key = KEYS.get(r.nextInt(KEYS.size()));
                if (r.nextInt(5) == 0) {
                    truth.remove(key);
                    applyAll(dataplane, idx.removeItem(key));
                } else {
                    IpSetItem item = randomItem(r);
                    truth.put(key, item);
                    applyAll(dataplane, idx.putItem(key, item));
                }
                for (String id : idx.setIds()) {
                    IpSetSpec spec = SETS.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
                    Set<String> expected = new HashSet<>();
                    truth.values().forEach(i -> expected.addAll(IpSetIndex.contributions(spec, i)));
                    assertEquals(expected, idx.members(id), "seed " + seed + " step " + step);
                    assertEquals(expected, dataplane.getOrDefault(id, Set.of()), "seed " + seed + " step " + step);
                }
            }
        }
    }

    static void applyAll(Map<String, Set<String>> dataplane, List<IpSetDelta> deltas) {
        Set<String> seen = new HashSet<>();
        for (IpSetDelta d : deltas) {
            assertTrue(seen.add(d.setId()), "one delta per set");
            assertTrue(!d.added().isEmpty() || !d.removed().isEmpty(), "no empty deltas");
            apply(dataplane, d);
        }
    }

    static void apply(Map<String, Set<String>> dataplane, IpSetDelta d) {
        Set<String> members = dataplane.computeIfAbsent(d.setId(), k -> new HashSet<>());
        for (String m : d.removed()) {
            assertTrue(members.remove(m), "removed member was present: " + m);
        }
        for (String m : d.added()) {
            assertTrue(members.add(m), "added member was absent: " + m);
        }
    }
}
