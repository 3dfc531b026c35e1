package dev.tabby.policy.render;

/**
 * The packet-mark bits policy chains use, taken from FelixConfiguration {@code iptablesMarkMask} in Felix's order
 * (felix dataplane/driver.go: markAccept, markPass, markScratch0, markScratch1, each the next free single bit of the
 * mask from the lowest up, markbits.MarkBitsManager.NextSingleBitMark). With the default mask 0xffff0000: accept
 * 0x10000, pass 0x20000, scratch0 0x40000, scratch1 0x80000.
 */
public record Marks(int accept, int pass, int scratch0, int scratch1) {

    /** FelixConfiguration's default {@code iptablesMarkMask} (felix config/config_params.go). */
    public static final int DEFAULT_MASK = 0xffff0000;

    public static Marks fromMask(int mask) {
        int[] bits = new int[4];
        int found = 0;
        for (int bit = 0; bit < 32 && found < 4; bit++) {
            int m = 1 << bit;
            if ((mask & m) != 0) {
                bits[found++] = m;
            }
        }
        if (found < 4) {
            throw new IllegalArgumentException("iptablesMarkMask " + hex(mask) + " has " + Integer.bitCount(mask)
                    + " bits set; policy needs at least 4 (accept, pass and two scratch bits), e.g. 0xffff0000");
        }
        return new Marks(bits[0], bits[1], bits[2], bits[3]);
    }

    /** Go's {@code %#x}: "0x" and lower-case hex digits, "0x0" for zero. */
    static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
