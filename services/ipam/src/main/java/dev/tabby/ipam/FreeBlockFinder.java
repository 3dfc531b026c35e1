package dev.tabby.ipam;

import dev.tabby.ipam.model.Blocks;
import dev.tabby.model.net.Cidr;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the next block a node should claim. As in Calico (libcalico-go {@code ipam_block_reader_writer.go}
 * {@code findUnclaimedBlock}, {@code randomBlockGenerator}), each node walks a pool's blocks, pool by pool, from its
 * own starting point derived from a hash of its name, wrapping at the pool's end, so that nodes starting at the same
 * moment rarely race for the same block and one node's blocks stay near each other; for blocks of one address
 * ({@code determineSeed}) the start is random instead.
 *
 * <p>The starting points differ from Calico's: Calico seeds Go's {@code math/rand} with FNV-1 of the name and draws
 * with {@code big.Int.Rand}, whose generator is defined by a 607-word table in Go's runtime that Tabby does not
 * carry. This is safe: every claim is a compare-and-swap create of the block's key, so whichever block a node picks,
 * no two nodes ever hold the same one; only which free block a node gets first differs.
 */
final class FreeBlockFinder {

    private FreeBlockFinder() {
    }

    /** The first block, in the node's order through the pools, whose key does not exist in {@code taken}. */
    static Optional<Cidr> next(List<Pool> pools, String node, Set<Cidr> taken) {
        for (Pool pool : pools) {
            BigInteger count = pool.blockCount();
            BigInteger index = pool.blockSize() == pool.cidr().address().bitLength()
                    ? new BigInteger(count.bitLength() + 16, ThreadLocalRandom.current()).mod(count)
                    : startIndex(node, count);
            // At most taken.size() blocks are in use, so that many steps plus one must meet a free one.
            BigInteger steps = count.min(BigInteger.valueOf(taken.size() + 1L));
            for (BigInteger i = BigInteger.ZERO; i.compareTo(steps) < 0; i = i.add(BigInteger.ONE)) {
                Cidr candidate = Blocks.nthBlock(pool.cidr(), pool.blockSize(), index);
                if (!taken.contains(candidate)) {
                    return Optional.of(candidate);
                }
                index = index.add(BigInteger.ONE);
                if (index.equals(count)) {
                    index = BigInteger.ZERO;
                }
            }
        }
        return Optional.empty();
    }

    /** Orders blocks to borrow from: the same for a node every time, different between nodes. */
    static <T> List<T> nodeOrder(List<T> items, String node) {
        if (items.isEmpty()) {
            return items;
        }
        int start = startIndex(node, BigInteger.valueOf(items.size())).intValue();
        List<T> out = new ArrayList<>(items.subList(start, items.size()));
        out.addAll(items.subList(0, start));
        return out;
    }

    static BigInteger startIndex(String node, BigInteger count) {
        Random random = new Random(fnv1a32(node));
        return new BigInteger(count.bitLength() + 16, random).mod(count);
    }

    private static long fnv1a32(String s) {
        int hash = 0x811c9dc5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash & 0xffffffffL;
    }
}
