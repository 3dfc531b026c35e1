package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;

/**
 * The BGP message header (RFC 4271 section 4.1): 16 octets of marker, all ones; a 2-octet length counting the
 * header; a 1-octet type. Decodes one message at a time from a stream's buffer and encodes any message with its
 * header. Every rule of RFC 4271 section 6.1 about the header is checked here, before a body is read.
 */
public final class BgpFraming {
    public static final int HEADER_LENGTH = 19;
    private static final int MARKER_LENGTH = 16;
    private static final int LENGTH_OFFSET = 16;
    private static final int TYPE_OFFSET = 18;
    private static final int MIN_UPDATE_BODY = 4; // two 2-octet length fields (RFC 4271 section 4.3)

    private BgpFraming() {
    }

    /**
     * Decodes the message at the buffer's reader index. Returns null, consuming nothing, while fewer than 19 octets
     * or fewer than the header's length are readable; a header that breaks a rule is refused as soon as its 19
     * octets are there, without waiting for the body. On success the reader index moves past the message; on
     * {@link BgpDecodeException} it is left where it was, and the session must send the exception's NOTIFICATION
     * and close.
     */
    public static BgpMessage decode(ByteBuf in, Negotiated negotiated) throws BgpDecodeException {
        if (in.readableBytes() < HEADER_LENGTH) {
            return null;
        }
        int start = in.readerIndex();
        for (int i = 0; i < MARKER_LENGTH; i++) {
            if (in.getByte(start + i) != (byte) 0xFF) {
                throw new BgpDecodeException(Notification.MESSAGE_HEADER_ERROR,
                        Notification.HEADER_CONNECTION_NOT_SYNCHRONIZED, null,
                        "message header marker octet " + i + " is not 0xFF: the stream is not synchronized");
            }
        }
        int length = in.getUnsignedShort(start + LENGTH_OFFSET);
        int type = in.getUnsignedByte(start + TYPE_OFFSET);
        checkLength(length, type, negotiated, in, start);
        if (in.readableBytes() < length) {
            return null;
        }
        ByteBuf body = in.slice(start + HEADER_LENGTH, length - HEADER_LENGTH);
        BgpMessage message = switch (type) {
            case Open.TYPE -> Open.decodeBody(body);
            case 2 -> UpdateCodec.decode(body, negotiated);
            case Notification.TYPE -> Notification.decodeBody(body);
            case Keepalive.TYPE -> Keepalive.INSTANCE;
            case RouteRefresh.TYPE -> RouteRefresh.decodeBody(body);
            default -> throw new IllegalStateException("type " + type + " passed the header check");
        };
        in.readerIndex(start + length);
        return message;
    }

    /** RFC 4271 section 6.1 (and RFC 8654 section 4, RFC 7313 section 5): length and type of the header. */
    private static void checkLength(int length, int type, Negotiated negotiated, ByteBuf in, int start)
            throws BgpDecodeException {
        if (length < HEADER_LENGTH || length > negotiated.maxMessageLength()) {
            throw badLength(length, "message length " + length + " is outside " + HEADER_LENGTH + ".."
                    + negotiated.maxMessageLength() + (negotiated.extendedMessage() ? ""
                    : " (65535 needs the Extended Message capability on both sides, RFC 8654)"));
        }
        int body = length - HEADER_LENGTH;
        switch (type) {
            case Open.TYPE -> {
                if (body < Open.MIN_BODY) {
                    throw badLength(length, "OPEN of length " + length + " is shorter than the minimum 29");
                }
                // RFC 8654 section 4: OPEN stays within 4096 octets even where extended messages are negotiated.
                if (length > Negotiated.MAX_MESSAGE) {
                    throw badLength(length, "OPEN of length " + length + " is longer than 4096, which RFC 8654 "
                            + "section 4 keeps for OPEN even with extended messages");
                }
            }
            case 2 -> {
                if (body < MIN_UPDATE_BODY) {
                    throw badLength(length, "UPDATE of length " + length + " is shorter than the minimum 23");
                }
            }
            case Notification.TYPE -> {
                if (body < Notification.MIN_BODY) {
                    throw badLength(length, "NOTIFICATION of length " + length
                            + " is shorter than the minimum 21");
                }
            }
            case Keepalive.TYPE -> {
                if (body != 0) {
                    throw badLength(length, "KEEPALIVE of length " + length + " must be exactly 19");
                }
            }
            case RouteRefresh.TYPE -> {
                if (body != RouteRefresh.BODY) {
                    checkRouteRefreshLength(length, in, start);
                }
            }
            default -> throw new BgpDecodeException(Notification.MESSAGE_HEADER_ERROR,
                    Notification.HEADER_BAD_MESSAGE_TYPE, new byte[] {(byte) type},
                    "message type " + type + " is not one of 1 OPEN, 2 UPDATE, 3 NOTIFICATION, 4 KEEPALIVE, "
                            + "5 ROUTE-REFRESH");
        }
    }

    /**
     * A ROUTE-REFRESH whose body is not 4 octets. RFC 7313 section 5: with subtype 1 or 2 it is a ROUTE-REFRESH
     * Message Error, Invalid Message Length, whose data is the whole message; so when the subtype octet is there and
     * says 1 or 2, the message is awaited and refused that way. Otherwise (too short to hold a subtype, or subtype 0
     * followed by ORF entries, RFC 5291, which Tabby never announces) it is the header's Bad Message Length.
     */
    private static void checkRouteRefreshLength(int length, ByteBuf in, int start) throws BgpDecodeException {
        int subtypeOffset = HEADER_LENGTH + 2;
        if (length > subtypeOffset) {
            if (in.readableBytes() <= subtypeOffset) {
                return; // the subtype octet decides which error; the caller returns null until it is there
            }
            int subtype = in.getUnsignedByte(start + subtypeOffset);
            if (subtype == RouteRefresh.BEGIN || subtype == RouteRefresh.END) {
                if (in.readableBytes() < length) {
                    return; // the caller returns null until the whole message is there
                }
                byte[] message = new byte[length];
                in.getBytes(start, message);
                throw new BgpDecodeException(Notification.ROUTE_REFRESH_MESSAGE_ERROR,
                        Notification.ROUTE_REFRESH_INVALID_MESSAGE_LENGTH, message,
                        "ROUTE-REFRESH subtype " + subtype + " of length " + length + " must be exactly 23");
            }
        }
        throw badLength(length, "ROUTE-REFRESH of length " + length + " must be exactly 23");
    }

    private static BgpDecodeException badLength(int length, String message) {
        return new BgpDecodeException(Notification.MESSAGE_HEADER_ERROR, Notification.HEADER_BAD_MESSAGE_LENGTH,
                new byte[] {(byte) (length >>> 8), (byte) length}, message);
    }

    /**
     * Writes the message with its header. A message longer than the session allows (4096 octets, or 65535 with
     * extended messages; 4096 always for OPEN and KEEPALIVE, RFC 8654 section 4) is refused with
     * IllegalArgumentException and nothing written, except a NOTIFICATION, whose data is cut to fit.
     */
    public static void encode(BgpMessage message, Negotiated negotiated, ByteBuf out) {
        int max = message instanceof Open || message instanceof Keepalive ? Negotiated.MAX_MESSAGE
                : negotiated.maxMessageLength();
        int start = out.writerIndex();
        for (int i = 0; i < MARKER_LENGTH; i++) {
            out.writeByte(0xFF);
        }
        out.writeShort(0);
        out.writeByte(message.type());
        if (message instanceof Open open) {
            open.encodeBody(out);
        } else if (message instanceof Update update) {
            UpdateCodec.encodeBody(update, negotiated, out);
        } else if (message instanceof Notification notification) {
            notification.encodeBody(out, max - HEADER_LENGTH);
        } else if (message instanceof RouteRefresh refresh) {
            refresh.encodeBody(out);
        } else if (!(message instanceof Keepalive)) {
            out.writerIndex(start);
            throw new IllegalArgumentException("cannot encode " + message.getClass().getName()
                    + ": not a BGP message type this codec knows");
        }
        int length = out.writerIndex() - start;
        if (length > max) {
            out.writerIndex(start);
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " would be " + length
                    + " octets, more than the " + max + " this session allows (RFC 4271 section 4.1, RFC 8654)");
        }
        out.setShort(start + LENGTH_OFFSET, length);
    }
}
