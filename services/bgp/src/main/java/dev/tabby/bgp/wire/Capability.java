package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * One capability of an OPEN's Capabilities optional parameter (RFC 5492 section 4): code, 1-octet length, value.
 * The ones Tabby acts on are records of their own; any other is kept as received in {@link Unknown}, so it can be
 * logged and re-encoded byte for byte.
 */
public sealed interface Capability {
    int MULTIPROTOCOL = 1;
    int ROUTE_REFRESH = 2;
    int EXTENDED_MESSAGE = 6;
    int GRACEFUL_RESTART = 64;
    int FOUR_OCTET_AS = 65;
    int ENHANCED_ROUTE_REFRESH = 70;

    /** The largest value a capability can carry: its length field is one octet (RFC 5492 section 4). */
    int MAX_VALUE_LENGTH = 255;

    int code();

    /** Writes the capability's value, without code and length. */
    void encodeValue(ByteBuf out);

    /** Writes code, length and value. */
    default void encode(ByteBuf out) {
        out.writeByte(code());
        int lengthAt = out.writerIndex();
        out.writeByte(0);
        int start = out.writerIndex();
        encodeValue(out);
        int length = out.writerIndex() - start;
        if (length > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("capability " + code() + " value is " + length
                    + " octets, more than the 255 its length field can carry (RFC 5492 section 4)");
        }
        out.setByte(lengthAt, length);
    }

    /** Multiprotocol Extensions (RFC 4760 section 8): AFI, a reserved octet (sent as 0, ignored), SAFI. */
    record MultiProtocol(int afi, int safi) implements Capability {
        public MultiProtocol {
            checkRange("AFI", afi, 0xFFFF);
            checkRange("SAFI", safi, 0xFF);
        }

        public static MultiProtocol of(AfiSafi family) {
            return new MultiProtocol(family.afi(), family.safi());
        }

        /** The family, or null for one Tabby does not speak (kept so the peer's OPEN is shown as sent). */
        public AfiSafi family() {
            return AfiSafi.of(afi, safi);
        }

        @Override
        public int code() {
            return MULTIPROTOCOL;
        }

        @Override
        public void encodeValue(ByteBuf out) {
            out.writeShort(afi);
            out.writeByte(0);
            out.writeByte(safi);
        }
    }

    /** Route Refresh (RFC 2918 section 2): no value. */
    record RouteRefresh() implements Capability {
        @Override
        public int code() {
            return ROUTE_REFRESH;
        }

        @Override
        public void encodeValue(ByteBuf out) {
        }
    }

    /** Enhanced Route Refresh (RFC 7313 section 3.1): no value. */
    record EnhancedRouteRefresh() implements Capability {
        @Override
        public int code() {
            return ENHANCED_ROUTE_REFRESH;
        }

        @Override
        public void encodeValue(ByteBuf out) {
        }
    }

    /** BGP Extended Message (RFC 8654 section 3): no value. */
    record ExtendedMessage() implements Capability {
        @Override
        public int code() {
            return EXTENDED_MESSAGE;
        }

        @Override
        public void encodeValue(ByteBuf out) {
        }
    }

    /** Support for 4-octet AS numbers (RFC 6793 section 3): the speaker's real AS, 4 octets. */
    record FourOctetAs(long asn) implements Capability {
        public FourOctetAs {
            checkRange("AS number", asn, 0xFFFF_FFFFL);
        }

        @Override
        public int code() {
            return FOUR_OCTET_AS;
        }

        @Override
        public void encodeValue(ByteBuf out) {
            out.writeInt((int) asn);
        }
    }

    /**
     * Graceful Restart (RFC 4724 section 3): 4 bits of Restart Flags (R, the most significant, says the speaker has
     * restarted; RFC 8538 names the next one N), a 12-bit Restart Time in seconds, then per family AFI, SAFI and
     * 8 bits of flags (F, the most significant, says forwarding state was preserved). Flags are kept whole, so bits
     * Tabby does not know survive a re-encode.
     */
    record GracefulRestart(int restartFlags, int restartTime, List<Family> families) implements Capability {
        public static final int RESTART_STATE = 0x8;
        public static final int NOTIFICATION = 0x4;

        public GracefulRestart {
            checkRange("restart flags", restartFlags, 0xF);
            checkRange("restart time", restartTime, 0xFFF);
            families = List.copyOf(families);
        }

        public boolean restartState() {
            return (restartFlags & RESTART_STATE) != 0;
        }

        /** One family the speaker can keep forwarding for across a restart. */
        public record Family(int afi, int safi, int flags) {
            public static final int FORWARDING_STATE = 0x80;

            public Family {
                checkRange("AFI", afi, 0xFFFF);
                checkRange("SAFI", safi, 0xFF);
                checkRange("address family flags", flags, 0xFF);
            }

            public boolean forwardingState() {
                return (flags & FORWARDING_STATE) != 0;
            }

            /** The family, or null for one Tabby does not speak. */
            public AfiSafi family() {
                return AfiSafi.of(afi, safi);
            }
        }

        @Override
        public int code() {
            return GRACEFUL_RESTART;
        }

        @Override
        public void encodeValue(ByteBuf out) {
            out.writeShort(restartFlags << 12 | restartTime);
            for (Family f : families) {
                out.writeShort(f.afi());
                out.writeByte(f.safi());
                out.writeByte(f.flags());
            }
        }
    }

    /** A capability Tabby does not act on (RFC 5492 section 4: ignored), kept exactly as received. */
    record Unknown(int code, byte[] value) implements Capability {
        public Unknown {
            checkRange("capability code", code, 0xFF);
            checkRange("capability length", value.length, MAX_VALUE_LENGTH);
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public void encodeValue(ByteBuf out) {
            out.writeBytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * code + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Unknown[code=" + code + ", value=" + HexFormat.of().formatHex(value) + "]";
        }
    }

    private static void checkRange(String what, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is out of range 0.." + max);
        }
    }
}
