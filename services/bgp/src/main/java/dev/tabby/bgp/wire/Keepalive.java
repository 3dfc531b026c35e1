package dev.tabby.bgp.wire;

/** A KEEPALIVE (RFC 4271 section 4.4): the header alone, exactly 19 octets. */
public record Keepalive() implements BgpMessage {
    public static final int TYPE = 4;
    public static final Keepalive INSTANCE = new Keepalive();

    @Override
    public int type() {
        return TYPE;
    }
}
