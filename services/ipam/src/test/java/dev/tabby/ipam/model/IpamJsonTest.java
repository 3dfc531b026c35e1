package dev.tabby.ipam.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stored values against golden JSON in the shape libcalico-go v3.18's etcd backend writes: Go's encoding/json of
 * the model structs, compact, fields in struct order, map keys sorted as strings (see golden/README.md for the
 * struct each file follows).
 */
class IpamJsonTest {

    private static String golden(String name) throws IOException {
        try (InputStream in = IpamJsonTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void ipv4BlockRoundTripsByteForByte() throws IOException {
        String json = golden("block-ipv4.json");
        AllocationBlock b = IpamJson.decodeBlock("/calico/ipam/v2/assignment/ipv4/block/10.65.0.16-28",
                json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Cidr.parse("10.65.0.16/28"), b.cidr());
        assertEquals("node-1", b.host().orElseThrow());
        assertEquals(3, b.allocatedCount());
        assertEquals("k8s-pod-network.4f2a", b.handleAt(2).orElseThrow());
        assertEquals(IpAddress.parse("10.65.0.26"), b.addressAt(10));
        assertEquals(4, b.unallocated().get(0), "free list order is kept");
        assertEquals(json, text(IpamJson.encode(b)));
    }

    @Test
    void ipv6BlockWithNullsRoundTrips() throws IOException {
        String json = golden("block-ipv6.json");
        AllocationBlock b = IpamJson.decodeBlock("/calico/ipam/v2/assignment/ipv6/block/fd00:1::4-126",
                json.getBytes(StandardCharsets.UTF_8));
        assertTrue(b.affinity().isEmpty());
        assertTrue(b.handleAt(1).isEmpty());
        assertEquals(json, text(IpamJson.encode(b)));
    }

    @Test
    void newBlockEncodesAsCalicoWouldWriteIt() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/30"), "n1");
        b.autoAssign(1, "h", Map.of("node", "n1"));
        assertEquals("{\"cidr\":\"10.0.0.0/30\",\"affinity\":\"host:n1\","
                + "\"allocations\":[0,null,null,null],\"unallocated\":[1,2,3],"
                + "\"attributes\":[{\"handle_id\":\"h\",\"secondary\":{\"node\":\"n1\"}}],\"deleted\":false}",
                text(IpamJson.encode(b)));
    }

    @Test
    void aLaterReleasesFieldsAreReadAndDroppedAsV318DropsThem() throws IOException {
        // A block written by a newer Calico carries strictAffinity and sequence numbers; v3.18's struct has neither,
        // so its next write drops them. Tabby does the same, and the allocation itself is kept.
        AllocationBlock b = IpamJson.decodeBlock("/calico/ipam/v2/assignment/ipv4/block/10.65.0.0-30",
                golden("block-later-release.json").getBytes(StandardCharsets.UTF_8));
        assertEquals("h", b.handleAt(0).orElseThrow());
        assertEquals("{\"cidr\":\"10.65.0.0/30\",\"affinity\":\"host:node-1\",\"allocations\":[0,null,null,null],"
                + "\"unallocated\":[1,2,3],\"attributes\":[{\"handle_id\":\"h\",\"secondary\":{\"node\":\"node-1\"}}],"
                + "\"deleted\":false}", text(IpamJson.encode(b)));
    }

    @Test
    void readsWhatGoWritesForEmptySlicesAndOldFields() {
        // A block fresh from libcalico-go's newBlock has nil Attributes, which Go prints as null; pre-v3 blocks
        // carry hostAffinity instead of affinity.
        String json = "{\"cidr\":\"10.0.0.0/30\",\"hostAffinity\":\"old-node\",\"allocations\":[null,null,null,null],"
                + "\"unallocated\":[0,1,2,3],\"attributes\":null,\"unknownField\":1}";
        AllocationBlock b = IpamJson.decodeBlock("k", json.getBytes(StandardCharsets.UTF_8));
        assertEquals("old-node", b.host().orElseThrow());
        assertTrue(text(IpamJson.encode(b)).endsWith("\"deleted\":false,\"hostAffinity\":\"old-node\"}"));
    }

    @Test
    void refusesBlocksThatWouldDoubleAllocate() {
        String both = "{\"cidr\":\"10.0.0.0/30\",\"allocations\":[0,null,null,null],\"unallocated\":[0,1,2,3],"
                + "\"attributes\":[{\"handle_id\":\"h\",\"secondary\":null}]}";
        IpamDataException e = assertThrows(IpamDataException.class, () -> IpamJson.decodeBlock("/k", both.getBytes()));
        assertTrue(e.getMessage().startsWith("etcd key /k: unallocated lists ordinal 0"), e.getMessage());
        String shortTable = "{\"cidr\":\"10.0.0.0/30\",\"allocations\":[null],\"unallocated\":[0]}";
        assertThrows(IpamDataException.class, () -> IpamJson.decodeBlock("/k", shortTable.getBytes()));
        String wrongKey = "{\"cidr\":\"10.0.0.4/30\",\"allocations\":[null,null,null,null],\"unallocated\":[0,1,2,3]}";
        assertThrows(IpamDataException.class,
                () -> IpamJson.decodeBlock("/calico/ipam/v2/assignment/ipv4/block/10.0.0.0-30", wrongKey.getBytes()));
    }

    @Test
    void handleRoundTripsAndIgnoresTheKddHandleIdField() throws IOException {
        String json = golden("handle.json");
        IpamHandle h = IpamJson.decodeHandle("k", json.getBytes(StandardCharsets.UTF_8));
        assertEquals(2, h.countIn(Cidr.parse("fd00:1::4/126")));
        assertEquals(json, text(IpamJson.encode(h)));
        IpamHandle kdd = IpamJson.decodeHandle("k",
                "{\"handleID\":\"h\",\"block\":{\"10.0.0.0/26\":1},\"deleted\":false}".getBytes());
        assertEquals(1, kdd.total());
        assertEquals("{\"block\":{},\"deleted\":false}", text(IpamJson.encode(kdd.minus(Cidr.parse("10.0.0.0/26"), 1))));
    }

    @Test
    void affinityRoundTripsAndOldEmptyValueMeansConfirmed() throws IOException {
        String json = golden("affinity-pending.json");
        assertEquals(AffinityState.PENDING, IpamJson.decodeAffinity("k", json.getBytes()).state());
        assertEquals(json, text(IpamJson.encode(BlockAffinity.of(AffinityState.PENDING))));
        assertEquals(AffinityState.CONFIRMED, IpamJson.decodeAffinity("k", "{}".getBytes()).state());
        assertEquals("{\"state\":\"pendingDeletion\",\"deleted\":false}",
                text(IpamJson.encode(BlockAffinity.of(AffinityState.PENDING_DELETION))));
        assertThrows(IpamDataException.class, () -> IpamJson.decodeAffinity("k", "{\"state\":\"maybe\"}".getBytes()));
    }

    @Test
    void configOmitsEmptyFieldsAsGoDoes() throws IOException {
        String json = golden("config.json");
        IpamConfig c = IpamJson.decodeConfig("k", json.getBytes());
        assertEquals(new IpamConfig(true, true, 4), c);
        assertEquals(json, text(IpamJson.encode(c)));
        assertEquals("{\"auto_allocate_blocks\":true}", text(IpamJson.encode(IpamConfig.DEFAULT)));
        // A stored config without auto_allocate_blocks means false, as Go reads it.
        assertEquals(new IpamConfig(true, false, 0), IpamJson.decodeConfig("k", "{\"strict_affinity\":true}".getBytes()));
        List.of("[]", "nope").forEach(bad -> assertThrows(IpamDataException.class,
                () -> IpamJson.decodeConfig("k", bad.getBytes())));
    }
}
