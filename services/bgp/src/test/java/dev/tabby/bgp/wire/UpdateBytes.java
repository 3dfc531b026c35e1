package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.Set;

/** Test helpers: UPDATE bodies written as hex from the RFC 4271 section 4.3 layout. */
final class UpdateBytes {
    /** 2-octet ASNs, IPv4 unicast only: a session with an old speaker. */
    static final Negotiated TWO_OCTET = Negotiated.BEFORE_OPEN;
    /** 4-octet ASNs, IPv4 and IPv6 unicast. */
    static final Negotiated FOUR_OCTET = new Negotiated(true, false,
            Set.of(AfiSafi.IPV4_UNICAST, AfiSafi.IPV6_UNICAST));
    /** As FOUR_OCTET, with RFC 8654 extended messages. */
    static final Negotiated FOUR_OCTET_EXTENDED = new Negotiated(true, true,
            Set.of(AfiSafi.IPV4_UNICAST, AfiSafi.IPV6_UNICAST));

    // Well-formed attributes: flags, type code, length, value.
    static final String ORIGIN_IGP = "40 01 01 00";
    static final String AS_PATH_2 = "40 02 04 02 01 FDE9"; // AS_SEQUENCE [65001], 2-octet ASNs
    static final String AS_PATH_4 = "40 02 06 02 01 0000FDE9"; // AS_SEQUENCE [65001], 4-octet ASNs
    static final String NEXT_HOP = "40 03 04 C0000201"; // 192.0.2.1
    static final String NLRI_10_1 = "10 0A01"; // 10.1.0.0/16

    private UpdateBytes() {
    }

    static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replaceAll("\\s", ""));
    }

    static String hexOf(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    /** A body with the two length fields computed from the parts. */
    static String body(String withdrawn, String attributes, String nlri) {
        int w = hex(withdrawn).length;
        int a = hex(attributes).length;
        return String.format("%04X", w) + withdrawn + String.format("%04X", a) + attributes + nlri;
    }

    static Update decode(String spacedHex, Negotiated negotiated) throws BgpDecodeException {
        return decode(hex(spacedHex), negotiated);
    }

    static Update decode(byte[] body, Negotiated negotiated) throws BgpDecodeException {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return UpdateCodec.decode(buf, negotiated);
        } finally {
            buf.release();
        }
    }

    static byte[] encode(Update update, Negotiated negotiated) {
        ByteBuf out = Unpooled.buffer();
        try {
            UpdateCodec.encodeBody(update, negotiated, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
