package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The order a node tries free blocks in (libcalico-go ipam_block_reader_writer.go, findUnclaimedBlock). */
class FreeBlockFinderTest {
    private static Pool pool(String cidr, int blockSize) {
        return new Pool("p", Cidr.parse(cidr), blockSize, false, null);
    }

    @Test
    void aNodeStartsAtItsOwnPlaceEveryTimeAndWalksOnWrapping() {
        Pool p = pool("10.0.0.0/24", 28); // 16 blocks
        Cidr first = FreeBlockFinder.next(List.of(p), "node-a", Set.of()).orElseThrow();
        assertEquals(first, FreeBlockFinder.next(List.of(p), "node-a", Set.of()).orElseThrow(), "seeded by the name");
        Set<Cidr> taken = new HashSet<>();
        for (int i = 0; i < 16; i++) {
            Cidr next = FreeBlockFinder.next(List.of(p), "node-a", taken).orElseThrow();
            assertTrue(taken.add(next), "each block once");
        }
        assertEquals(Optional.empty(), FreeBlockFinder.next(List.of(p), "node-a", taken), "a full pool yields nothing");
        Set<Cidr> starts = new HashSet<>();
        for (int n = 0; n < 20; n++) {
            starts.add(FreeBlockFinder.next(List.of(p), "node-" + n, Set.of()).orElseThrow());
        }
        assertTrue(starts.size() > 5, "nodes spread over the pool: " + starts);
    }

    @Test
    void poolsAreTriedInOrder() {
        Pool a = pool("10.0.0.0/30", 30);
        Pool b = pool("10.1.0.0/24", 26);
        assertEquals(Cidr.parse("10.0.0.0/30"), FreeBlockFinder.next(List.of(a, b), "n", Set.of()).orElseThrow());
        assertTrue(Cidr.parse("10.1.0.0/24").contains(
                FreeBlockFinder.next(List.of(a, b), "n", Set.of(Cidr.parse("10.0.0.0/30"))).orElseThrow().address()));
    }

    @Test
    void singleAddressBlocksStartAtRandom() {
        // determineSeed: blocks of one address are not kept together, so the start is random, not the name's.
        Pool p = pool("10.0.0.0/24", 32);
        Set<Cidr> starts = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            starts.add(FreeBlockFinder.next(List.of(p), "node-a", Set.of()).orElseThrow());
        }
        assertTrue(starts.size() > 1, "one node, 40 tries, 256 blocks: " + starts);
    }
}
