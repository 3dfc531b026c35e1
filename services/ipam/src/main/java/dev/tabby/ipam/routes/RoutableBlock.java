package dev.tabby.ipam.routes;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.Blocks;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What routing needs of one IPAM block: its CIDR, the node it is affine to, and its borrowed addresses.
 *
 * @param cidr      the block
 * @param host      the node of its {@code host:<node>} affinity (or pre-v3 {@code hostAffinity}); null when none
 * @param borrowed  the allocations not affine to {@code host} (every allocation when there is no host), by ordinal
 */
public record RoutableBlock(Cidr cidr, String host, List<BorrowedAddress> borrowed) {
    private static final JsonFactory JSON = new JsonFactory();
    private static final int UNALLOCATED = -1;

    public RoutableBlock {
        cidr = cidr.network();
        borrowed = List.copyOf(borrowed);
    }

    /** Borrowed addresses whose node IPAM did not record: no route can be made for them. */
    public List<IpAddress> unrecorded() {
        // A loop, not a stream: PoolRoutes asks every block on every plan, and most blocks borrow nothing.
        List<IpAddress> out = List.of();
        for (BorrowedAddress b : borrowed) {
            if (b.node().isEmpty()) {
                if (out.isEmpty()) {
                    out = new ArrayList<>();
                }
                out.add(b.address());
            }
        }
        return out;
    }

    /**
     * Reads a block from its stored JSON (libcalico-go's model/block.go: {@code cidr}, {@code affinity},
     * {@code allocations}, {@code attributes[].secondary.node}, {@code deleted}; the rest is skipped unparsed), the way
     * {@code AllocationBlock.NonAffineAllocations} reads it: an allocation whose attribute index is out of range is
     * skipped; one whose {@code node} equals the block's host is affine; all others are borrowed.
     *
     * @param json      the stored value
     * @param keyBlock  the block its etcd key names; used when the JSON has no {@code cidr}
     * @return empty when the block is marked {@code deleted} (being removed: it routes nothing)
     * @throws IOException the value is not a block's JSON
     */
    public static Optional<RoutableBlock> read(byte[] json, Cidr keyBlock) throws IOException {
        String cidrText = null;
        String affinity = null;
        String legacy = null;
        boolean deleted = false;
        int[] allocations = new int[0];
        List<String> attributeNodes = List.of();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a block is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "cidr" -> cidrText = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "affinity" -> affinity = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "hostAffinity" -> legacy = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "deleted" -> deleted = t == JsonToken.VALUE_TRUE;
                    case "allocations" -> allocations = allocations(p, t);
                    case "attributes" -> attributeNodes = attributeNodes(p, t);
                    default -> p.skipChildren();
                }
            }
        }
        if (deleted) {
            return Optional.empty();
        }
        Cidr cidr = cidr(cidrText, keyBlock);
        String host = host(affinity, legacy);
        List<BorrowedAddress> borrowed = new ArrayList<>();
        int size = Blocks.size(cidr);
        for (int ordinal = 0; ordinal < allocations.length && ordinal < size; ordinal++) {
            int idx = allocations[ordinal];
            if (idx == UNALLOCATED || idx >= attributeNodes.size()) {
                continue; // free, or its attributes are missing (libcalico-go warns and skips it)
            }
            String node = attributeNodes.get(idx);
            if (host != null && host.equals(node)) {
                continue;
            }
            borrowed.add(new BorrowedAddress(Blocks.addressAt(cidr, ordinal), node == null ? "" : node));
        }
        return Optional.of(new RoutableBlock(cidr, host, borrowed));
    }

    private static Cidr cidr(String text, Cidr keyBlock) throws IOException {
        if (text == null) {
            if (keyBlock == null) {
                throw new IOException("the block has no cidr");
            }
            return keyBlock;
        }
        try {
            return Cidr.parse(text).network();
        } catch (RuntimeException e) {
            throw new IOException("cidr " + text + " is not a CIDR");
        }
    }

    private static String host(String affinity, String legacy) {
        if (affinity != null) {
            return affinity.startsWith(AllocationBlock.AFFINITY_PREFIX) && affinity.length() > AllocationBlock.AFFINITY_PREFIX.length()
                    ? affinity.substring(AllocationBlock.AFFINITY_PREFIX.length()) : null;
        }
        return legacy == null || legacy.isEmpty() ? null : legacy; // the pre-v3 spelling: just the node name
    }

    /** {@code allocations}: an array of attribute indexes, null for a free ordinal. */
    private static int[] allocations(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return new int[0];
        }
        int[] out = new int[64];
        int n = 0;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e == null) {
                throw new IOException("allocations: the JSON ends inside the array");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            if (e == JsonToken.VALUE_NUMBER_INT) {
                int v = p.getIntValue();
                out[n++] = v < 0 ? UNALLOCATED : v;
            } else {
                p.skipChildren();
                out[n++] = UNALLOCATED;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** {@code attributes}: for each entry, its {@code secondary.node} (the node it was allocated for), or null. */
    private static List<String> attributeNodes(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return List.of();
        }
        List<String> out = new ArrayList<>();
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
            if (e == null) {
                throw new IOException("attributes: the JSON ends inside the array");
            }
            if (e != JsonToken.START_OBJECT) {
                p.skipChildren();
                out.add(null);
                continue;
            }
            String node = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("secondary") && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken sv = p.nextToken();
                        if (key.equals(AutoAssignRequest.ATTRIBUTE_NODE) && sv == JsonToken.VALUE_STRING) {
                            node = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            out.add(node);
        }
        return out;
    }
}
