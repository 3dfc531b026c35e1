package dev.tabby.ipam.model;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One block of addresses and who holds each, as libcalico-go's {@code AllocationBlock} keeps it: {@code allocations}
 * has one slot per address (the index of its owner in {@code attributes}, or null when free), {@code unallocated}
 * lists the free ordinals in the order they will be handed out (released ones go to the back, so an address is
 * re-used as late as possible). The fields are v3.18's exactly ({@code lib/backend/model/block.go}): later releases
 * added {@code strictAffinity} and sequence numbers, which a v3.18 tool would drop on its next write.
 *
 * <p>A working copy: decode it from etcd, change it, encode it and write it back with a compare-and-swap. Not
 * thread-safe; never reuse a copy after its write lost the race.
 */
public final class AllocationBlock {
    public static final String AFFINITY_PREFIX = "host:";

    private final Cidr cidr;
    private String affinity;
    private final Integer[] allocations;
    private final List<Integer> unallocated;
    private final List<AllocationAttribute> attributes;
    private final boolean deleted;
    private final String legacyHostAffinity;

    AllocationBlock(Cidr cidr, String affinity, Integer[] allocations, List<Integer> unallocated,
            List<AllocationAttribute> attributes, boolean deleted, String legacyHostAffinity) {
        this.cidr = Objects.requireNonNull(cidr, "cidr");
        this.affinity = affinity;
        this.allocations = allocations;
        this.unallocated = new ArrayList<>(unallocated);
        this.attributes = new ArrayList<>(attributes);
        this.deleted = deleted;
        this.legacyHostAffinity = legacyHostAffinity;
    }

    /** A new, empty block affine to {@code node} (none when null). */
    public static AllocationBlock create(Cidr cidr, String node) {
        if (!cidr.isCanonical()) {
            throw new IllegalArgumentException("block " + cidr + " has host bits set; expected " + cidr.network());
        }
        int size = Blocks.size(cidr);
        List<Integer> free = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            free.add(i);
        }
        return new AllocationBlock(cidr, node == null ? null : AFFINITY_PREFIX + IpamKeys.requireNode(node),
                new Integer[size], free, List.of(), false, null);
    }

    // ---- reading ----

    public Cidr cidr() {
        return cidr;
    }

    /** The stored affinity, e.g. {@code host:node-1}; empty for a block no node owns. */
    public Optional<String> affinity() {
        return Optional.ofNullable(affinity);
    }

    /** The node named by a {@code host:} affinity. */
    public Optional<String> host() {
        return affinity != null && affinity.startsWith(AFFINITY_PREFIX)
                ? Optional.of(affinity.substring(AFFINITY_PREFIX.length())) : Optional.empty();
    }

    public boolean isAffineTo(String node) {
        return (AFFINITY_PREFIX + node).equals(affinity);
    }

    public boolean deleted() {
        return deleted;
    }

    /** The pre-v3 {@code hostAffinity} field, kept as read so a rewrite does not lose it. */
    public Optional<String> legacyHostAffinity() {
        return Optional.ofNullable(legacyHostAffinity);
    }

    public int size() {
        return allocations.length;
    }

    public int freeCount() {
        return unallocated.size();
    }

    public int allocatedCount() {
        int n = 0;
        for (Integer slot : allocations) {
            if (slot != null) {
                n++;
            }
        }
        return n;
    }

    /** No address of the block is allocated. */
    public boolean isEmpty() {
        return allocatedCount() == 0;
    }

    public IpAddress addressAt(int ordinal) {
        checkOrdinal(ordinal);
        return Blocks.addressAt(cidr, ordinal);
    }

    /** The address's ordinal in this block, or -1 when the block does not hold it. */
    public int ordinalOf(IpAddress ip) {
        return Blocks.ordinalOf(cidr, ip);
    }

    public boolean isAllocated(int ordinal) {
        checkOrdinal(ordinal);
        return allocations[ordinal] != null;
    }

    /** The raw {@code allocations} slot: the attribute index, or null when free. */
    public Integer attributeIndexAt(int ordinal) {
        checkOrdinal(ordinal);
        return allocations[ordinal];
    }

    public Optional<AllocationAttribute> attributeAt(int ordinal) {
        Integer idx = attributeIndexAt(ordinal);
        return idx == null || idx < 0 || idx >= attributes.size() ? Optional.empty() : Optional.of(attributes.get(idx));
    }

    /** The handle of the allocation at {@code ordinal}; empty if free or held without a handle. */
    public Optional<String> handleAt(int ordinal) {
        return attributeAt(ordinal).map(AllocationAttribute::handleId);
    }

    public List<Integer> allocatedOrdinals() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < allocations.length; i++) {
            if (allocations[i] != null) {
                out.add(i);
            }
        }
        return out;
    }

    public List<Integer> ordinalsOf(String handle) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < allocations.length; i++) {
            if (allocations[i] != null && handle.equals(handleAt(i).orElse(null))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Free ordinals in hand-out order. */
    public List<Integer> unallocated() {
        return Collections.unmodifiableList(unallocated);
    }

    public List<AllocationAttribute> attributes() {
        return Collections.unmodifiableList(attributes);
    }

    Integer[] allocationSlots() {
        return allocations.clone();
    }

    // ---- changing ----

    /**
     * Takes up to {@code num} free addresses from the front of the free list for {@code handle} (may be null) and
     * returns their ordinals; fewer when the block has fewer free.
     */
    public List<Integer> autoAssign(int num, String handle, Map<String, String> secondary) {
        List<Integer> taken = new ArrayList<>();
        if (num <= 0 || unallocated.isEmpty()) {
            return taken;
        }
        int attr = findOrAddAttribute(handle, secondary);
        while (taken.size() < num && !unallocated.isEmpty()) {
            int ordinal = unallocated.remove(0);
            allocations[ordinal] = attr;
            taken.add(ordinal);
        }
        return taken;
    }

    /** Allocates one given address; the caller has checked that it is free. */
    public void assign(int ordinal, String handle, Map<String, String> secondary) {
        checkOrdinal(ordinal);
        if (allocations[ordinal] != null) {
            throw new IllegalStateException(addressAt(ordinal) + " is already allocated in block " + cidr);
        }
        allocations[ordinal] = findOrAddAttribute(handle, secondary);
        unallocated.remove(Integer.valueOf(ordinal));
    }

    /**
     * Why a release of {@code ordinal} would act on out-of-date information: the caller expected another handle than
     * the one holding the address now (the address was released and given to someone else since). Empty when the
     * release may go ahead; a free address is never stale (releasing it does nothing). The handle is in v3.18's
     * block JSON, so the guard holds for blocks any v3.18 tool rewrote.
     */
    public Optional<String> staleReason(int ordinal, String expectedHandle) {
        checkOrdinal(ordinal);
        if (!isAllocated(ordinal)) {
            return Optional.empty();
        }
        IpAddress ip = addressAt(ordinal);
        if (expectedHandle != null) {
            String actual = handleAt(ordinal).orElse("");
            if (!expectedHandle.equals(actual)) {
                return Optional.of("release of " + ip + " expects handle " + expectedHandle + " but the address belongs to "
                        + (actual.isEmpty() ? "no handle" : "handle " + actual));
            }
        }
        return Optional.empty();
    }

    /**
     * Frees the given ordinals (free ones are skipped) and returns how many addresses each handle lost. Freed
     * ordinals go to the back of the free list.
     */
    public Map<String, Integer> release(Collection<Integer> ordinals) {
        Map<String, Integer> byHandle = new LinkedHashMap<>();
        Set<Integer> unique = new LinkedHashSet<>(ordinals);
        for (int ordinal : unique) {
            checkOrdinal(ordinal);
            if (allocations[ordinal] == null) {
                continue;
            }
            handleAt(ordinal).ifPresent(h -> byHandle.merge(h, 1, Integer::sum));
            allocations[ordinal] = null;
            unallocated.add(ordinal);
        }
        compactAttributes();
        return byHandle;
    }

    /** Frees every address of the handle; returns the freed ordinals. */
    public List<Integer> releaseHandle(String handle) {
        List<Integer> ordinals = ordinalsOf(handle);
        release(ordinals);
        return ordinals;
    }

    /** Sets or clears ({@code null}) the node this block is affine to. */
    public void setAffinity(String node) {
        this.affinity = node == null ? null : AFFINITY_PREFIX + IpamKeys.requireNode(node);
    }

    private int findOrAddAttribute(String handle, Map<String, String> secondary) {
        AllocationAttribute wanted = new AllocationAttribute(handle, secondary);
        int found = attributes.indexOf(wanted);
        if (found >= 0) {
            return found;
        }
        attributes.add(wanted);
        return attributes.size() - 1;
    }

    /** Drops attributes no allocation points at any more and renumbers the rest, as Calico does on release. */
    private void compactAttributes() {
        boolean[] used = new boolean[attributes.size()];
        for (Integer idx : allocations) {
            if (idx != null && idx >= 0 && idx < used.length) {
                used[idx] = true;
            }
        }
        int[] renumber = new int[used.length];
        List<AllocationAttribute> kept = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            renumber[i] = kept.size();
            if (used[i]) {
                kept.add(attributes.get(i));
            }
        }
        if (kept.size() == attributes.size()) {
            return;
        }
        for (int i = 0; i < allocations.length; i++) {
            Integer idx = allocations[i];
            if (idx != null && idx >= 0 && idx < renumber.length) {
                allocations[i] = renumber[idx];
            }
        }
        attributes.clear();
        attributes.addAll(kept);
    }

    private void checkOrdinal(int ordinal) {
        if (ordinal < 0 || ordinal >= allocations.length) {
            throw new IllegalArgumentException("ordinal " + ordinal + " is outside block " + cidr + " (0.."
                    + (allocations.length - 1) + ")");
        }
    }

    @Override
    public String toString() {
        return "AllocationBlock[" + cidr + ", affinity=" + affinity + ", allocated=" + allocatedCount() + "/" + size() + "]";
    }
}
