package dev.tabby.ipam.model;

import dev.tabby.model.net.Cidr;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value under {@code /calico/ipam/v2/handle/<id>}: how many addresses the handle holds in each block,
 * {@code {"block": {"10.0.0.0/26": 2}, "deleted": false}}. The id is the key, not part of the value (libcalico-go
 * tags it {@code json:"-"}). Immutable: the with-methods return the changed copy.
 */
public record IpamHandle(Map<String, Integer> blocks, boolean deleted) {

    public static final IpamHandle EMPTY = new IpamHandle(Map.of(), false);

    public IpamHandle {
        blocks = Collections.unmodifiableMap(new TreeMap<>(blocks));
    }

    public int countIn(Cidr block) {
        return blocks.getOrDefault(block.toString(), 0);
    }

    public IpamHandle plus(Cidr block, int n) {
        return withCount(block, countIn(block) + n);
    }

    /** Fewer addresses in the block; a count that reaches zero drops the block from the handle. */
    public IpamHandle minus(Cidr block, int n) {
        return withCount(block, Math.max(0, countIn(block) - n));
    }

    public IpamHandle without(Cidr block) {
        return withCount(block, 0);
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public int total() {
        return blocks.values().stream().mapToInt(Integer::intValue).sum();
    }

    private IpamHandle withCount(Cidr block, int count) {
        Map<String, Integer> next = new TreeMap<>(blocks);
        if (count <= 0) {
            next.remove(block.toString());
        } else {
            next.put(block.toString(), count);
        }
        return new IpamHandle(next, deleted);
    }
}
