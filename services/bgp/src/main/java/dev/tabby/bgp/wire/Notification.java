package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A NOTIFICATION (RFC 4271 section 4.5): error code, subcode and data. Decoding never refuses a code or subcode it
 * does not know: the session closes either way, and the operator should see what the peer sent.
 */
public record Notification(int code, int subcode, byte[] data) implements BgpMessage {
    public static final int TYPE = 3;
    /** Error code, subcode and no data: 2 octets after the header (RFC 4271 section 4.5). */
    static final int MIN_BODY = 2;

    // Error codes (RFC 4271 section 4.5, RFC 7313 section 5).
    public static final int MESSAGE_HEADER_ERROR = 1;
    public static final int OPEN_MESSAGE_ERROR = 2;
    public static final int UPDATE_MESSAGE_ERROR = 3;
    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;
    public static final int CEASE = 6;
    public static final int ROUTE_REFRESH_MESSAGE_ERROR = 7;

    // Message Header Error subcodes (RFC 4271 section 6.1).
    public static final int HEADER_CONNECTION_NOT_SYNCHRONIZED = 1;
    public static final int HEADER_BAD_MESSAGE_LENGTH = 2;
    public static final int HEADER_BAD_MESSAGE_TYPE = 3;

    // OPEN Message Error subcodes (RFC 4271 section 6.2, RFC 5492 section 5).
    public static final int OPEN_UNSPECIFIC = 0;
    public static final int OPEN_UNSUPPORTED_VERSION = 1;
    public static final int OPEN_BAD_PEER_AS = 2;
    public static final int OPEN_BAD_BGP_IDENTIFIER = 3;
    public static final int OPEN_UNSUPPORTED_OPTIONAL_PARAMETER = 4;
    public static final int OPEN_UNACCEPTABLE_HOLD_TIME = 6;
    public static final int OPEN_UNSUPPORTED_CAPABILITY = 7;

    // Cease subcodes (RFC 4486, RFC 8538).
    public static final int CEASE_MAX_PREFIXES = 1;
    public static final int CEASE_ADMINISTRATIVE_SHUTDOWN = 2;
    public static final int CEASE_PEER_DECONFIGURED = 3;
    public static final int CEASE_ADMINISTRATIVE_RESET = 4;
    public static final int CEASE_CONNECTION_REJECTED = 5;
    public static final int CEASE_OTHER_CONFIGURATION_CHANGE = 6;
    public static final int CEASE_CONNECTION_COLLISION_RESOLUTION = 7;
    public static final int CEASE_OUT_OF_RESOURCES = 8;
    public static final int CEASE_HARD_RESET = 9;

    // ROUTE-REFRESH Message Error subcode (RFC 7313 section 5).
    public static final int ROUTE_REFRESH_INVALID_MESSAGE_LENGTH = 1;

    /** RFC 9003 section 2: the Shutdown Communication is at most 255 octets of UTF-8 (RFC 8203 allowed 128). */
    public static final int MAX_SHUTDOWN_COMMUNICATION = 255;

    private static final String[] CODE_NAMES = {null, "Message Header Error", "OPEN Message Error",
        "UPDATE Message Error", "Hold Timer Expired", "Finite State Machine Error", "Cease",
        "ROUTE-REFRESH Message Error"};
    private static final String[][] SUBCODE_NAMES = {
        {},
        {null, "Connection Not Synchronized", "Bad Message Length", "Bad Message Type"},
        {"Unspecific", "Unsupported Version Number", "Bad Peer AS", "Bad BGP Identifier",
            "Unsupported Optional Parameter", "Authentication Failure (deprecated)", "Unacceptable Hold Time",
            "Unsupported Capability"},
        {null, "Malformed Attribute List", "Unrecognized Well-known Attribute", "Missing Well-known Attribute",
            "Attribute Flags Error", "Attribute Length Error", "Invalid ORIGIN Attribute",
            "AS Routing Loop (deprecated)", "Invalid NEXT_HOP Attribute", "Optional Attribute Error",
            "Invalid Network Field", "Malformed AS_PATH"},
        {},
        // RFC 6608
        {"Unspecified Error", "Receive Unexpected Message in OpenSent State",
            "Receive Unexpected Message in OpenConfirm State", "Receive Unexpected Message in Established State"},
        {null, "Maximum Number of Prefixes Reached", "Administrative Shutdown", "Peer De-configured",
            "Administrative Reset", "Connection Rejected", "Other Configuration Change",
            "Connection Collision Resolution", "Out of Resources", "Hard Reset"},
        {null, "Invalid Message Length"},
    };

    public Notification {
        if (code < 0 || code > 255 || subcode < 0 || subcode > 255) {
            throw new IllegalArgumentException("NOTIFICATION code " + code + " subcode " + subcode
                    + " must each fit one octet (0..255)");
        }
        data = data == null ? new byte[0] : data.clone();
    }

    /** The NOTIFICATION a session sends for input the codec refused. */
    public static Notification of(BgpDecodeException e) {
        return new Notification(e.code(), e.subcode(), e.data());
    }

    /**
     * A Cease with subcode Administrative Shutdown or Administrative Reset carrying a Shutdown Communication
     * (RFC 9003 section 2): one length octet, then the text in UTF-8; an empty text sends length 0.
     */
    public static Notification cease(int subcode, String shutdownCommunication) {
        if (subcode != CEASE_ADMINISTRATIVE_SHUTDOWN && subcode != CEASE_ADMINISTRATIVE_RESET) {
            throw new IllegalArgumentException("a Shutdown Communication goes only with Cease subcode 2 or 4 "
                    + "(RFC 9003 section 2), not " + subcode);
        }
        byte[] text = shutdownCommunication.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_SHUTDOWN_COMMUNICATION) {
            throw new IllegalArgumentException("Shutdown Communication is " + text.length
                    + " octets of UTF-8, more than the 255 RFC 9003 section 2 allows; shorten it");
        }
        byte[] data = new byte[1 + text.length];
        data[0] = (byte) text.length;
        System.arraycopy(text, 0, data, 1, text.length);
        return new Notification(CEASE, subcode, data);
    }

    @Override
    public int type() {
        return TYPE;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public String codeName() {
        return codeName(code);
    }

    public String subcodeName() {
        return subcodeName(code, subcode);
    }

    /** The RFC's name for an error code, or "code N" for one it does not name. */
    public static String codeName(int code) {
        return code > 0 && code < CODE_NAMES.length ? CODE_NAMES[code] : "code " + code;
    }

    /** The RFC's name for a subcode of the code, or "subcode N" for one it does not name. */
    public static String subcodeName(int code, int subcode) {
        if (code > 0 && code < SUBCODE_NAMES.length && subcode >= 0 && subcode < SUBCODE_NAMES[code].length
                && SUBCODE_NAMES[code][subcode] != null) {
            return SUBCODE_NAMES[code][subcode];
        }
        return "subcode " + subcode;
    }

    /**
     * The Shutdown Communication of a Cease Administrative Shutdown or Reset (RFC 9003 section 2), when the data
     * holds a well-formed one: a length octet not past the data, and valid UTF-8. Empty otherwise, including for
     * length 0; the RFC then asks the receiver to log the data in hex, which {@link #toString()} does.
     */
    public Optional<String> shutdownCommunication() {
        if (code != CEASE || (subcode != CEASE_ADMINISTRATIVE_SHUTDOWN && subcode != CEASE_ADMINISTRATIVE_RESET)
                || data.length == 0) {
            return Optional.empty();
        }
        int length = data[0] & 0xFF;
        if (length == 0 || length > data.length - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, 1, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static Notification decodeBody(ByteBuf body) {
        int code = body.readUnsignedByte();
        int subcode = body.readUnsignedByte();
        byte[] data = new byte[body.readableBytes()];
        body.readBytes(data);
        return new Notification(code, subcode, data);
    }

    void encodeBody(ByteBuf out, int maxBody) {
        out.writeByte(code);
        out.writeByte(subcode);
        // The error must reach the peer even when its data (an offending attribute, say) would make the message
        // longer than the session allows, so the data is cut rather than the NOTIFICATION refused.
        out.writeBytes(data, 0, Math.min(data.length, maxBody - MIN_BODY));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Notification n && n.code == code && n.subcode == subcode && Arrays.equals(n.data, data);
    }

    @Override
    public int hashCode() {
        return (31 * code + subcode) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NOTIFICATION code=").append(code).append(" (").append(codeName())
                .append(") subcode=").append(subcode).append(" (").append(subcodeName()).append(")");
        shutdownCommunication().ifPresent(text -> s.append(" communication=\"").append(text).append('"'));
        if (data.length > 0) {
            s.append(" data=").append(HexFormat.of().formatHex(data));
        }
        return s.toString();
    }
}
