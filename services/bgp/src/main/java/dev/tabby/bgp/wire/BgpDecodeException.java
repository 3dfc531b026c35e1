package dev.tabby.bgp.wire;

/**
 * Input the codec refuses: the one error it throws for any bytes it is given. It carries the NOTIFICATION a session
 * must send (RFC 4271 section 6: error code, subcode and data), so the session layer can reset with exactly that.
 */
public final class BgpDecodeException extends Exception {
    private final int code;
    private final int subcode;
    private final byte[] data;

    public BgpDecodeException(int code, int subcode, byte[] data, String message) {
        super(message);
        this.code = code;
        this.subcode = subcode;
        this.data = data == null ? new byte[0] : data.clone();
    }

    /** RFC 4271 error code: 1 header, 2 OPEN, 3 UPDATE, 4 hold timer, 5 FSM, 6 cease, 7 route refresh (RFC 7313). */
    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    /** The NOTIFICATION's data field. */
    public byte[] data() {
        return data.clone();
    }
}
