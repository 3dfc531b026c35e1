package dev.tabby.renderer.flows;

import dev.tabby.netlink.nflog.NflogView;

/**
 * The flow-log rate limit, decided per connection: the first verdict of a connection takes a token from the
 * {@link RateLimiter} (or is refused one), and every later verdict of that connection gets the same answer, so the
 * egress verdict of a client and the ingress verdict of a server on this node are kept or dropped together, as are
 * retransmitted first packets. The record's {@code sampling} is then the share of connections kept, true for both
 * directions alike. Decisions are remembered for the last {@code capacity} connections: a connection's verdicts come
 * within microseconds of each other (one packet crossing both endpoints' chains), its retransmissions within seconds.
 *
 * <p>A connection is what tells it apart in {@link ConnectionKey}: protocol, addresses, ports, conntrack id and SYN
 * sequence number, read from the packet in place. They live in one fixed table of longs (open addressing, linear
 * probing, at most half full) and a ring of the slots in the order they were decided, the oldest forgotten first: no
 * object per connection, so nothing for the young collections to copy or promote (a LinkedHashMap of 16,384 keys
 * kept ~66 B a connection alive, all of it promoted to the old generation).
 * Not thread-safe: the NFLOG reader's thread owns it.
 */
final class ConnectionSampler {
    /** What became of one verdict; the NEW ones are a connection's first verdict, which counts it for sampling. */
    enum Decision {
        KEEP_NEW, DROP_NEW, KEEP, DROP;

        boolean keep() {
            return this == KEEP_NEW || this == KEEP;
        }

        boolean isNew() {
            return this == KEEP_NEW || this == DROP_NEW;
        }
    }

    /** Longs a slot holds: the seven of its key and its state ({@link #USED}, {@link #KEEP}, ring position). */
    private static final int STRIDE = 8;
    private static final int STATE = 7;
    private static final long USED = 1;
    private static final long KEEP = 2;

    private final RateLimiter limiter;
    private final int capacity;
    private final int mask;
    /** Made at the first verdict (2 MB at the renderer's capacity): none while flow logs are off. */
    private long[] table;
    /** The slot of each remembered connection, by the order it was decided; {@link #oldest} is forgotten next. */
    private int[] ring;
    private int oldest;
    private int size;
    /** The key being decided, packed as the table holds it. */
    private final long[] key = new long[STATE];

    ConnectionSampler(long perSecond, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the sampler must remember at least 1 connection, was " + capacity);
        }
        this.limiter = new RateLimiter(perSecond);
        this.capacity = capacity;
        this.mask = (Integer.highestOneBit(capacity * 2 - 1) << 1) - 1; // at most half full: short probes
    }

    /** A new rate of connections per second, from the next new connection on. */
    void setRate(long perSecond) {
        limiter.setRate(perSecond);
    }

    /** Whether the verdict on the packet {@code p} at {@code nowNanos} is kept, and whether it was its connection's first. */
    Decision decide(NflogView p, long nowNanos) {
        if (table == null) {
            table = new long[(mask + 1) * STRIDE];
            ring = new int[capacity];
        }
        key[0] = p.srcHi();
        key[1] = p.srcLo();
        key[2] = p.dstHi();
        key[3] = p.dstLo();
        key[4] = ((long) p.protocol() << 33) | (p.ipv6() ? 1L << 32 : 0) | ((long) (p.srcPort() & 0xffff) << 16)
                | (p.dstPort() & 0xffff);
        key[5] = p.ctId();
        key[6] = p.synSeq();
        int i = home(key, 0);
        while ((table[i * STRIDE + STATE] & USED) != 0) {
            if (sameKey(i)) {
                return (table[i * STRIDE + STATE] & KEEP) != 0 ? Decision.KEEP : Decision.DROP;
            }
            i = (i + 1) & mask;
        }
        boolean keep = limiter.tryAcquire(nowNanos);
        if (size == capacity) {
            remove(ring[oldest]); // the oldest decision goes
            oldest = (oldest + 1) % capacity;
            size--;
            i = home(key, 0); // the removal may have moved entries into the free slot's probe path
            while ((table[i * STRIDE + STATE] & USED) != 0) {
                i = (i + 1) & mask;
            }
        }
        int position = (oldest + size) % capacity;
        System.arraycopy(key, 0, table, i * STRIDE, STATE);
        table[i * STRIDE + STATE] = ((long) position << 2) | (keep ? KEEP : 0) | USED;
        ring[position] = i;
        size++;
        return keep ? Decision.KEEP_NEW : Decision.DROP_NEW;
    }

    private boolean sameKey(int slot) {
        int at = slot * STRIDE;
        for (int k = 0; k < STATE; k++) {
            if (table[at + k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    private int home(long[] keys, int at) {
        long h = 0;
        for (int k = 0; k < STATE; k++) {
            h = (h ^ keys[at + k]) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        return (int) (h >>> 32) & mask;
    }

    /** Frees {@code slot} and shifts later entries of its probe run back, so no lookup passes over a hole. */
    private void remove(int slot) {
        int free = slot;
        int j = slot;
        while (true) {
            j = (j + 1) & mask;
            long state = table[j * STRIDE + STATE];
            if ((state & USED) == 0) {
                break;
            }
            int home = home(table, j * STRIDE);
            // The entry at j may move to the hole unless its home lies cyclically in (free, j].
            boolean stays = free <= j ? free < home && home <= j : free < home || home <= j;
            if (!stays) {
                System.arraycopy(table, j * STRIDE, table, free * STRIDE, STRIDE);
                ring[(int) (state >>> 2)] = free;
                free = j;
            }
        }
        table[free * STRIDE + STATE] = 0;
    }
}
