package dev.tabby.bgp.wire;

import java.util.List;

/**
 * One AS_PATH or AS4_PATH segment (RFC 4271 section 4.3, RFC 5065 section 3 for the confederation types): its type
 * and its ASNs, each an unsigned 32-bit value held in a long.
 */
public record AsPathSegment(Type type, List<Long> asns) {
    public enum Type {
        AS_SET(1), AS_SEQUENCE(2), AS_CONFED_SEQUENCE(3), AS_CONFED_SET(4);

        final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The type for a wire code; null for one no RFC defines. */
        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }

        boolean confederation() {
            return this == AS_CONFED_SEQUENCE || this == AS_CONFED_SET;
        }
    }

    public AsPathSegment {
        asns = List.copyOf(asns);
        for (long asn : asns) {
            if (asn < 0 || asn > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("ASN " + asn + " is outside 0..4294967295");
            }
        }
    }

    public static AsPathSegment sequence(Long... asns) {
        return new AsPathSegment(Type.AS_SEQUENCE, List.of(asns));
    }

    public static AsPathSegment set(Long... asns) {
        return new AsPathSegment(Type.AS_SET, List.of(asns));
    }

    /** This segment's share of the path length (RFC 4271 9.1.2.2 a, RFC 6793 4.2.3): a set counts 1, confed 0. */
    int pathLength() {
        return switch (type) {
            case AS_SEQUENCE -> asns.size();
            case AS_SET -> 1;
            case AS_CONFED_SEQUENCE, AS_CONFED_SET -> 0;
        };
    }
}
