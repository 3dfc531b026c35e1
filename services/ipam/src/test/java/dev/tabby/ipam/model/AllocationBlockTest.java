package dev.tabby.ipam.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationBlockTest {
    private static final Map<String, String> POD = Map.of("node", "n1", "pod", "p");

    @Test
    void handsOutFromTheFrontAndReusesReleasedAddressesLast() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/30"), "n1");
        assertEquals(List.of(0, 1), b.autoAssign(2, "h1", POD));
        assertEquals(Map.of("h1", 1), b.release(List.of(0)));
        assertEquals(List.of(2, 3, 0), b.unallocated());
        assertEquals(List.of(2), b.autoAssign(1, "h2", POD));
    }

    @Test
    void sharesAttributesAndDropsThemWhenUnused() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/29"), "n1");
        b.autoAssign(2, "h1", POD);
        b.autoAssign(1, "h2", POD);
        assertEquals(2, b.attributes().size());
        assertEquals(List.of(0, 1), b.ordinalsOf("h1"));
        assertEquals(List.of(0, 1), b.releaseHandle("h1"));
        assertEquals(1, b.attributes().size());
        assertEquals(0, b.attributeIndexAt(2), "remaining allocations point at the renumbered attribute");
        assertEquals("h2", b.handleAt(2).orElseThrow());
    }

    @Test
    void assignsAGivenAddressOnce() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/30"), "n1");
        int ordinal = b.ordinalOf(IpAddress.parse("10.0.0.2"));
        b.assign(ordinal, "h", POD);
        assertFalse(b.unallocated().contains(2));
        assertThrows(IllegalStateException.class, () -> b.assign(ordinal, "h", POD));
    }

    @Test
    void staleReleasesAreRecognised() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/30"), "n1");
        b.autoAssign(1, "h1", POD);
        assertTrue(b.staleReason(0, "h1").isEmpty());
        assertTrue(b.staleReason(0, null).isEmpty());
        assertTrue(b.staleReason(0, "other").orElseThrow().contains("belongs to handle h1"));
        assertTrue(b.staleReason(1, "h1").isEmpty(), "a free address is never stale");
    }

    @Test
    void affinityIsHostPrefixed() {
        AllocationBlock b = AllocationBlock.create(Cidr.parse("10.0.0.0/30"), "n1");
        assertEquals("host:n1", b.affinity().orElseThrow());
        assertTrue(b.isAffineTo("n1"));
        b.setAffinity(null);
        assertTrue(b.host().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> AllocationBlock.create(Cidr.parse("10.0.0.1/30"), "n1"));
    }
}
