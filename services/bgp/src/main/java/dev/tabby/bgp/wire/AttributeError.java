package dev.tabby.bgp.wire;

/**
 * An attribute the decoder did not keep, with the RFC 7606 action it took and why. Session resets are not listed
 * here: they end decoding with {@link BgpDecodeException}.
 */
public record AttributeError(int code, Action action, String reason) {
    /** RFC 7606 section 2's approaches short of a session reset. */
    public enum Action {
        /** Every route of the UPDATE (NLRI field and MP_REACH_NLRI) is to be handled as withdrawn. */
        TREAT_AS_WITHDRAW,
        /** The attribute is dropped and the UPDATE is processed without it. */
        ATTRIBUTE_DISCARD
    }

    @Override
    public String toString() {
        return "attribute=" + code + " action=" + action + " reason=\"" + reason + "\"";
    }
}
