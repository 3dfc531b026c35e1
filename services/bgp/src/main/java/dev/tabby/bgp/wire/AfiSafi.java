package dev.tabby.bgp.wire;

/** The address families Tabby speaks (RFC 4760): AFI 1 or 2 with SAFI 1 (unicast). */
public enum AfiSafi {
    IPV4_UNICAST(1, 1),
    IPV6_UNICAST(2, 1);

    private final int afi;
    private final int safi;

    AfiSafi(int afi, int safi) {
        this.afi = afi;
        this.safi = safi;
    }

    public int afi() {
        return afi;
    }

    public int safi() {
        return safi;
    }

    /** The family for an AFI/SAFI pair; null for one Tabby does not speak. */
    public static AfiSafi of(int afi, int safi) {
        for (AfiSafi f : values()) {
            if (f.afi == afi && f.safi == safi) {
                return f;
            }
        }
        return null;
    }
}
