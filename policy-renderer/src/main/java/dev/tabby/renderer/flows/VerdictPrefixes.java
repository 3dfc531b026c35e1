package dev.tabby.renderer.flows;

import dev.tabby.netlink.nflog.NflogView;
import dev.tabby.policy.render.VerdictPrefix;

/**
 * The NFLOG prefixes seen so far, decoded once each and found again by their bytes: a node's rules have a few hundred
 * prefixes at most, and decoding one per logged packet (a String, a split and a regex check) was a large part of the
 * reader's CPU at thousands of packets a second. An open-addressed table of the prefix bytes, at most half full; when
 * a flood of distinct prefixes (another program's rules in our groups) fills it, it starts again empty. Not
 * thread-safe: the NFLOG reader's thread owns it.
 */
final class VerdictPrefixes {
    private static final int SLOTS = 2048;
    private static final int MASK = SLOTS - 1;

    private final byte[][] keys = new byte[SLOTS][];
    /** The decoded prefix, or null for one that is not Tabby's. */
    private final VerdictPrefix[] values = new VerdictPrefix[SLOTS];
    private int size;

    /** The verdict the packet's prefix names, or null when the prefix is not one of Tabby's. */
    VerdictPrefix of(NflogView p) {
        int i = slot(p.prefixHash());
        for (byte[] k = keys[i]; k != null; k = keys[i]) {
            if (p.prefixEquals(k)) {
                return values[i];
            }
            i = (i + 1) & MASK;
        }
        VerdictPrefix decoded;
        try {
            decoded = VerdictPrefix.decode(p.prefix());
        } catch (IllegalArgumentException e) {
            decoded = null;
        }
        if (size >= SLOTS / 2) {
            java.util.Arrays.fill(keys, null);
            java.util.Arrays.fill(values, null);
            size = 0;
            i = slot(p.prefixHash());
        }
        keys[i] = p.prefixBytes();
        values[i] = decoded;
        size++;
        return decoded;
    }

    private static int slot(int hash) {
        return (hash ^ (hash >>> 16)) * 0x9E3779B1 >>> 21 & MASK;
    }
}
