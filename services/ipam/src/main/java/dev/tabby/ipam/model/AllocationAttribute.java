package dev.tabby.ipam.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a block records about the owner of an allocation: Calico's {@code {"handle_id": ..., "secondary": {...}}}.
 * {@code secondary} holds the caller's attributes (node, namespace, pod, type ...); sorted, as Go prints maps.
 */
public record AllocationAttribute(String handleId, Map<String, String> secondary) {

    public AllocationAttribute {
        secondary = secondary == null ? null : Collections.unmodifiableMap(new TreeMap<>(secondary));
    }

    public Map<String, String> secondaryOrEmpty() {
        return secondary == null ? Map.of() : secondary;
    }
}
