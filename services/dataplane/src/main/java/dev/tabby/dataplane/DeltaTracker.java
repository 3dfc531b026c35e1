package dev.tabby.dataplane;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a driver wants in the kernel (desired) next to what the kernel holds (actual), and the difference between the
 * two kept up to date on every change, so that {@code apply()} costs O(changes) rather than a full diff.
 *
 * <p>A key is <em>pending update</em> when it is desired and the kernel has no value or a different one; it is
 * <em>pending deletion</em> when the kernel has it and it is not desired. After a kernel write succeeds the driver
 * records the result with {@link #setActual} or {@link #deleteActual}, which clears the pending mark. Only
 * {@link #replaceAllActual} (a resync from a kernel dump) and {@link #replaceAllDesired} walk whole maps.
 *
 * <p>Values are compared with {@code equals}: drivers store both sides in the kernel's canonical form.
 * Not thread-safe; a driver uses it from its apply thread only.
 */
public final class DeltaTracker<K, V> {
    private final Map<K, V> desired = new HashMap<>();
    private final Map<K, V> actual = new HashMap<>();
    // Invariants: pendingUpdates = desired keys whose actual value is missing or different;
    // pendingDeletions = actual keys that are not desired.
    private final Set<K> pendingUpdates = new HashSet<>();
    private final Set<K> pendingDeletions = new HashSet<>();

    public void setDesired(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        // An equal value keeps the instance already held, which the actual side may share: a caller that rebuilds
        // all of its 100,000 desired values on every pass then keeps one copy of each, not two.
        if (!value.equals(desired.get(key))) {
            desired.put(key, value);
        }
        pendingDeletions.remove(key);
        markUpdateIfDifferent(key);
    }

    public void deleteDesired(K key) {
        if (desired.remove(key) == null) {
            return;
        }
        pendingUpdates.remove(key);
        if (actual.containsKey(key)) {
            pendingDeletions.add(key);
        }
    }

    /** Makes {@code wanted} the whole desired state; costs O(old desired + new desired). */
    public void replaceAllDesired(Map<K, V> wanted) {
        for (K key : List.copyOf(desired.keySet())) {
            if (!wanted.containsKey(key)) {
                deleteDesired(key);
            }
        }
        wanted.forEach(this::setDesired);
    }

    /** Records that the kernel holds {@code value} at {@code key}: after a successful write, or from a dump. */
    public void setActual(K key, V value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        actual.put(key, shared(key, value));
        if (desired.containsKey(key)) {
            markUpdateIfDifferent(key);
        } else {
            pendingDeletions.add(key);
        }
    }

    /** Records that the kernel no longer holds {@code key}: after a successful delete, or when it was already gone. */
    public void deleteActual(K key) {
        if (actual.remove(key) == null) {
            return;
        }
        pendingDeletions.remove(key);
        if (desired.containsKey(key)) {
            pendingUpdates.add(key);
        }
    }

    /** Replaces the kernel's side with a fresh dump and recomputes everything pending: the one full diff. */
    public void replaceAllActual(Map<K, V> dump) {
        actual.clear();
        dump.forEach((key, value) -> actual.put(key, shared(key, value)));
        pendingUpdates.clear();
        pendingDeletions.clear();
        desired.keySet().forEach(this::markUpdateIfDifferent);
        for (K key : actual.keySet()) {
            if (!desired.containsKey(key)) {
                pendingDeletions.add(key);
            }
        }
    }

    /** The desired instance when the kernel's value equals it, so equal values are held once. */
    private V shared(K key, V value) {
        V want = desired.get(key);
        return value.equals(want) ? want : value;
    }

    private void markUpdateIfDifferent(K key) {
        if (Objects.equals(desired.get(key), actual.get(key))) {
            pendingUpdates.remove(key);
        } else {
            pendingUpdates.add(key);
        }
    }

    /**
     * The desired values the kernel still lacks, as a copy so the caller may record results while it walks them.
     */
    public List<Map.Entry<K, V>> pendingUpdates() {
        List<Map.Entry<K, V>> out = new ArrayList<>(pendingUpdates.size());
        for (K key : pendingUpdates) {
            out.add(Map.entry(key, desired.get(key)));
        }
        return out;
    }

    /** The kernel's values that are not desired (what to delete), as a copy. */
    public List<Map.Entry<K, V>> pendingDeletions() {
        List<Map.Entry<K, V>> out = new ArrayList<>(pendingDeletions.size());
        for (K key : pendingDeletions) {
            out.add(Map.entry(key, actual.get(key)));
        }
        return out;
    }

    public boolean hasPending() {
        return !pendingUpdates.isEmpty() || !pendingDeletions.isEmpty();
    }

    public int pendingCount() {
        return pendingUpdates.size() + pendingDeletions.size();
    }

    public Optional<V> desired(K key) {
        return Optional.ofNullable(desired.get(key));
    }

    public Optional<V> actual(K key) {
        return Optional.ofNullable(actual.get(key));
    }

    /** Read-only view of the desired state. */
    public Map<K, V> desiredView() {
        return Collections.unmodifiableMap(desired);
    }

    /** Read-only view of what the kernel is believed to hold. */
    public Map<K, V> actualView() {
        return Collections.unmodifiableMap(actual);
    }
}
