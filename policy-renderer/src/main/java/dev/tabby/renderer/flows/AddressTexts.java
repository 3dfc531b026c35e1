package dev.tabby.renderer.flows;

import dev.tabby.netlink.nflog.TupleView;

/**
 * Addresses read in place ({@link TupleView}'s two longs) as the text records and endpoint names use, each made once
 * and found again without allocating: a node's flows are between its few endpoints and their peers, and formatting an
 * address per packet was a large share of the readers' garbage. Direct-mapped: a slot holds the last address that
 * hashed to it. Not thread-safe: each reader thread has its own.
 */
final class AddressTexts {
    private static final int SLOTS = 4096;

    private final long[] his = new long[SLOTS];
    private final long[] los = new long[SLOTS];
    private final boolean[] v6 = new boolean[SLOTS];
    private final String[] texts = new String[SLOTS];

    String of(boolean ipv6, long hi, long lo) {
        long h = (hi * 31 + lo) * 0x9E3779B97F4A7C15L;
        int i = (int) (h >>> 52) & (SLOTS - 1);
        String t = texts[i];
        if (t != null && los[i] == lo && his[i] == hi && v6[i] == ipv6) {
            return t;
        }
        t = TupleView.address(ipv6, hi, lo).toString();
        his[i] = hi;
        los[i] = lo;
        v6[i] = ipv6;
        texts[i] = t;
        return t;
    }
}
