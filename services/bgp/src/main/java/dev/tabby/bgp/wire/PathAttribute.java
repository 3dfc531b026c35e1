package dev.tabby.bgp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One path attribute of an UPDATE (RFC 4271 section 4.3 and 5), typed for those Tabby understands. {@link #code()}
 * is the type code; {@link #flags()} the flags it is sent with (the extended-length bit is chosen by the encoder).
 */
public sealed interface PathAttribute {
    int OPTIONAL = 0x80;
    int TRANSITIVE = 0x40;
    int PARTIAL = 0x20;
    int EXTENDED_LENGTH = 0x10;

    int code();

    int flags();

    /** ORIGIN (code 1): 0 IGP, 1 EGP, 2 INCOMPLETE. */
    record Origin(int value) implements PathAttribute {
        public static final int IGP = 0;
        public static final int EGP = 1;
        public static final int INCOMPLETE = 2;

        public int code() {
            return 1;
        }

        public int flags() {
            return TRANSITIVE;
        }
    }

    /** AS_PATH (code 2), ASNs 2 or 4 octets on the wire as the session negotiated (RFC 6793). */
    record AsPath(List<AsPathSegment> segments) implements PathAttribute {
        public AsPath {
            segments = List.copyOf(segments);
        }

        public int code() {
            return 2;
        }

        public int flags() {
            return TRANSITIVE;
        }
    }

    /** NEXT_HOP (code 3): the IPv4 next hop of the NLRI field. */
    record NextHop(Inet4Address address) implements PathAttribute {
        public int code() {
            return 3;
        }

        public int flags() {
            return TRANSITIVE;
        }
    }

    /** MULTI_EXIT_DISC (code 4), unsigned 32 bits. */
    record MultiExitDisc(long value) implements PathAttribute {
        public int code() {
            return 4;
        }

        public int flags() {
            return OPTIONAL;
        }
    }

    /** LOCAL_PREF (code 5), unsigned 32 bits. */
    record LocalPref(long value) implements PathAttribute {
        public int code() {
            return 5;
        }

        public int flags() {
            return TRANSITIVE;
        }
    }

    /** ATOMIC_AGGREGATE (code 6), no value. */
    record AtomicAggregate() implements PathAttribute {
        public int code() {
            return 6;
        }

        public int flags() {
            return TRANSITIVE;
        }
    }

    /** AGGREGATOR (code 7): the AS (2 or 4 octets as negotiated) and BGP identifier of the aggregating speaker. */
    record Aggregator(long as, Inet4Address address) implements PathAttribute {
        public int code() {
            return 7;
        }

        public int flags() {
            return OPTIONAL | TRANSITIVE;
        }
    }

    /** COMMUNITIES (code 8, RFC 1997): 32-bit values, high half the AS. */
    record Communities(List<Long> values) implements PathAttribute {
        public Communities {
            values = List.copyOf(values);
        }

        public int code() {
            return 8;
        }

        public int flags() {
            return OPTIONAL | TRANSITIVE;
        }
    }

    /** ORIGINATOR_ID (code 9, RFC 4456). */
    record OriginatorId(Inet4Address id) implements PathAttribute {
        public int code() {
            return 9;
        }

        public int flags() {
            return OPTIONAL;
        }
    }

    /** CLUSTER_LIST (code 10, RFC 4456). */
    record ClusterList(List<Inet4Address> clusterIds) implements PathAttribute {
        public ClusterList {
            clusterIds = List.copyOf(clusterIds);
        }

        public int code() {
            return 10;
        }

        public int flags() {
            return OPTIONAL;
        }
    }

    /**
     * MP_REACH_NLRI (code 14, RFC 4760 section 3): one next hop (4 or 16 octets), or two for IPv6 (global then
     * link-local, 32 octets, RFC 2545 section 3).
     */
    record MpReach(AfiSafi family, List<InetAddress> nextHops, List<Prefix> nlri) implements PathAttribute {
        public MpReach {
            nextHops = List.copyOf(nextHops);
            nlri = List.copyOf(nlri);
        }

        public int code() {
            return 14;
        }

        public int flags() {
            return OPTIONAL;
        }
    }

    /** MP_UNREACH_NLRI (code 15, RFC 4760 section 4); no prefixes is the family's End-of-RIB (RFC 4724 2). */
    record MpUnreach(AfiSafi family, List<Prefix> withdrawn) implements PathAttribute {
        public MpUnreach {
            withdrawn = List.copyOf(withdrawn);
        }

        public int code() {
            return 15;
        }

        public int flags() {
            return OPTIONAL;
        }
    }

    /** AS4_PATH (code 17, RFC 6793): the 4-octet path a 2-octet session carries beside AS_PATH. */
    record As4Path(List<AsPathSegment> segments) implements PathAttribute {
        public As4Path {
            segments = List.copyOf(segments);
        }

        public int code() {
            return 17;
        }

        public int flags() {
            return OPTIONAL | TRANSITIVE;
        }
    }

    /** AS4_AGGREGATOR (code 18, RFC 6793). */
    record As4Aggregator(long as, Inet4Address address) implements PathAttribute {
        public int code() {
            return 18;
        }

        public int flags() {
            return OPTIONAL | TRANSITIVE;
        }
    }

    /** LARGE_COMMUNITIES (code 32, RFC 8092). */
    record LargeCommunities(List<LargeCommunity> values) implements PathAttribute {
        public LargeCommunities {
            values = List.copyOf(values);
        }

        public int code() {
            return 32;
        }

        public int flags() {
            return OPTIONAL | TRANSITIVE;
        }
    }

    /** One RFC 8092 large community: three unsigned 32-bit values. */
    record LargeCommunity(long globalAdmin, long localData1, long localData2) {
    }

    /**
     * An attribute Tabby does not recognise, kept with its flags and value as received (RFC 4271 section 5: an
     * unrecognised optional transitive attribute is passed on).
     */
    record Unknown(int flags, int code, byte[] value) implements PathAttribute {
        public Unknown {
            if (flags < 0 || flags > 0xFF || code < 0 || code > 0xFF) {
                throw new IllegalArgumentException("attribute flags " + flags + " and code " + code
                        + " must each fit in one octet");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /**
         * What a speaker that did not recognise this attribute passes on (RFC 4271 sections 5 and 9.1.2): an
         * optional transitive one with the Partial bit set; null for an optional non-transitive one, which is
         * quietly dropped.
         */
        public Unknown propagated() {
            if ((flags & OPTIONAL) == 0 || (flags & TRANSITIVE) == 0) {
                return null;
            }
            return new Unknown(flags | PARTIAL, code, value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.flags == flags && u.code == code && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * flags + code) + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unknown[flags=0x" + Integer.toHexString(flags) + ", code=" + code + ", value="
                    + HexFormat.of().formatHex(value) + "]";
        }
    }
}
