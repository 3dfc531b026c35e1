package dev.tabby.ipam.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.model.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON values libcalico-go's etcdv3 backend stores (Go's encoding/json of its model structs): the field names,
 * {@code null} for empty pointers, map keys in Go's sorted order. Decoding is as lenient as Go's: unknown fields are
 * ignored and a {@code null} list reads as empty, but a value that would make allocation unsafe (an allocation
 * table of the wrong length, a free ordinal that is also allocated or listed twice) is refused with the key named.
 * An ordinal that is neither allocated nor free is merely never handed out, as in Calico.
 */
public final class IpamJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpamJson() {
    }

    // ---- AllocationBlock ----

    public static byte[] encode(AllocationBlock b) {
        ObjectNode n = JSON.createObjectNode();
        n.put("cidr", b.cidr().toString());
        putNullable(n, "affinity", b.affinity().orElse(null));
        ArrayNode allocations = n.putArray("allocations");
        for (Integer slot : b.allocationSlots()) {
            if (slot == null) {
                allocations.addNull();
            } else {
                allocations.add(slot);
            }
        }
        ArrayNode unallocated = n.putArray("unallocated");
        b.unallocated().forEach(unallocated::add);
        ArrayNode attributes = n.putArray("attributes");
        for (AllocationAttribute a : b.attributes()) {
            ObjectNode an = attributes.addObject();
            putNullable(an, "handle_id", a.handleId());
            if (a.secondary() == null) {
                an.putNull("secondary");
            } else {
                ObjectNode sec = an.putObject("secondary");
                a.secondary().forEach(sec::put);
            }
        }
        n.put("deleted", b.deleted());
        b.legacyHostAffinity().ifPresent(h -> n.put("hostAffinity", h));
        return bytes(n);
    }

    public static AllocationBlock decodeBlock(String key, byte[] value) {
        JsonNode n = tree(key, value);
        Cidr cidr;
        try {
            cidr = Cidr.parse(text(key, n, "cidr", true));
        } catch (IllegalArgumentException e) {
            throw new IpamDataException(key, "cidr: " + e.getMessage());
        }
        if (!cidr.isCanonical()) {
            throw new IpamDataException(key, "cidr " + cidr + " has host bits set");
        }
        IpamKeys.parseBlock(key).filter(k -> !k.equals(cidr)).ifPresent(k -> {
            throw new IpamDataException(key, "holds block " + cidr + " but the key names " + k);
        });
        int size = Blocks.size(cidr);

        Integer[] allocations = new Integer[size];
        JsonNode allocs = n.path("allocations");
        if (!allocs.isNull() && !allocs.isMissingNode()) {
            if (!allocs.isArray() || allocs.size() != size) {
                throw new IpamDataException(key, "allocations must list " + size + " slots for block " + cidr + ", found "
                        + (allocs.isArray() ? allocs.size() : allocs.getNodeType().toString().toLowerCase()));
            }
            for (int i = 0; i < size; i++) {
                JsonNode slot = allocs.get(i);
                if (!slot.isNull()) {
                    allocations[i] = intValue(key, slot, "allocations[" + i + "]");
                }
            }
        }
        List<Integer> unallocated = new ArrayList<>();
        boolean[] seen = new boolean[size];
        for (JsonNode o : array(key, n, "unallocated")) {
            int ordinal = intValue(key, o, "unallocated");
            if (ordinal < 0 || ordinal >= size || seen[ordinal] || allocations[ordinal] != null) {
                throw new IpamDataException(key, "unallocated lists ordinal " + ordinal
                        + ", which is out of range, repeated or allocated too");
            }
            seen[ordinal] = true;
            unallocated.add(ordinal);
        }
        List<AllocationAttribute> attributes = new ArrayList<>();
        for (JsonNode a : array(key, n, "attributes")) {
            String handle = a.path("handle_id").isTextual() ? a.path("handle_id").asText() : null;
            Map<String, String> secondary = null;
            JsonNode sec = a.path("secondary");
            if (sec.isObject()) {
                secondary = new TreeMap<>();
                for (Map.Entry<String, JsonNode> e : sec.properties()) {
                    secondary.put(e.getKey(), e.getValue().asText());
                }
            }
            attributes.add(new AllocationAttribute(handle, secondary));
        }
        String hostAffinity = n.path("hostAffinity").isTextual() ? n.path("hostAffinity").asText() : null;
        String affinity = n.path("affinity").isTextual() ? n.path("affinity").asText() : null;
        if (affinity == null && hostAffinity != null && !hostAffinity.isEmpty()) {
            affinity = AllocationBlock.AFFINITY_PREFIX + hostAffinity; // the pre-v3 spelling
        }
        return new AllocationBlock(cidr, affinity, allocations, unallocated, attributes, n.path("deleted").asBoolean(false),
                hostAffinity);
    }

    // ---- IPAMHandle ----

    public static byte[] encode(IpamHandle h) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode blocks = n.putObject("block");
        h.blocks().forEach(blocks::put);
        n.put("deleted", h.deleted());
        return bytes(n);
    }

    public static IpamHandle decodeHandle(String key, byte[] value) {
        JsonNode n = tree(key, value);
        Map<String, Integer> blocks = new TreeMap<>();
        JsonNode b = n.path("block");
        if (b.isObject()) {
            for (Map.Entry<String, JsonNode> e : b.properties()) {
                try {
                    Cidr c = Cidr.parse(e.getKey());
                    blocks.put(c.toString(), intValue(key, e.getValue(), "block[" + e.getKey() + "]"));
                } catch (IllegalArgumentException bad) {
                    throw new IpamDataException(key, "block key \"" + e.getKey() + "\" is not a CIDR");
                }
            }
        } else if (!b.isMissingNode() && !b.isNull()) {
            throw new IpamDataException(key, "block must be an object of CIDR to count");
        }
        return new IpamHandle(blocks, n.path("deleted").asBoolean(false));
    }

    // ---- BlockAffinity ----

    public static byte[] encode(BlockAffinity a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("state", a.state().text());
        n.put("deleted", a.deleted());
        return bytes(n);
    }

    public static BlockAffinity decodeAffinity(String key, byte[] value) {
        JsonNode n = tree(key, value);
        try {
            return new BlockAffinity(AffinityState.parse(n.path("state").isTextual() ? n.path("state").asText() : null),
                    n.path("deleted").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new IpamDataException(key, e.getMessage());
        }
    }

    // ---- IPAMConfig ----

    /** Go's {@code omitempty}: false and zero are left out. */
    public static byte[] encode(IpamConfig c) {
        ObjectNode n = JSON.createObjectNode();
        if (c.strictAffinity()) {
            n.put("strict_affinity", true);
        }
        if (c.autoAllocateBlocks()) {
            n.put("auto_allocate_blocks", true);
        }
        if (c.maxBlocksPerHost() != 0) {
            n.put("maxBlocksPerHost", c.maxBlocksPerHost());
        }
        return bytes(n);
    }

    public static IpamConfig decodeConfig(String key, byte[] value) {
        JsonNode n = tree(key, value);
        try {
            return new IpamConfig(n.path("strict_affinity").asBoolean(false), n.path("auto_allocate_blocks").asBoolean(false),
                    n.path("maxBlocksPerHost").asInt(0));
        } catch (IllegalArgumentException e) {
            throw new IpamDataException(key, e.getMessage());
        }
    }

    // ---- helpers ----

    private static void putNullable(ObjectNode n, String field, String value) {
        if (value == null) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode IPAM value", e);
        }
    }

    private static JsonNode tree(String key, byte[] value) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.isObject()) {
                throw new IpamDataException(key, "not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw new IpamDataException(key, "not JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static String text(String key, JsonNode n, String field, boolean required) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            if (required) {
                throw new IpamDataException(key, field + " is missing or not a string");
            }
            return null;
        }
        return v.asText();
    }

    private static Iterable<JsonNode> array(String key, JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IpamDataException(key, field + " must be a list");
        }
        return v;
    }

    private static int intValue(String key, JsonNode v, String field) {
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IpamDataException(key, field + " must be a whole number, found " + v);
        }
        return v.asInt();
    }
}
