package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;

/** Builds BGP frames for tests, from the RFC 4271 section 4.1 layout. */
final class Frames {
    static final String MARKER = "ffffffffffffffffffffffffffffffff";

    private Frames() {
    }

    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    /** A message of the type with a correct header around the body. */
    static byte[] frame(int type, byte[] body) {
        return frame(19 + body.length, type, body);
    }

    /** A message whose header says the given length, whatever the body is. */
    static byte[] frame(int length, int type, byte[] body) {
        byte[] m = new byte[19 + body.length];
        java.util.Arrays.fill(m, 0, 16, (byte) 0xFF);
        m[16] = (byte) (length >>> 8);
        m[17] = (byte) length;
        m[18] = (byte) type;
        System.arraycopy(body, 0, m, 19, body.length);
        return m;
    }

    static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    static byte[] encode(BgpMessage m, Negotiated n) {
        ByteBuf out = Unpooled.buffer();
        BgpFraming.encode(m, n, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    static BgpMessage decode(byte[] bytes, Negotiated n) throws BgpDecodeException {
        return BgpFraming.decode(buf(bytes), n);
    }
}
