package dev.tabby.bgp.wire;

/**
 * Thrown inside the attribute decoders when a value breaks its length or content rule; the table's RFC 7606
 * action for that attribute decides what the UPDATE decoder does with it. It never leaves {@link UpdateCodec}.
 */
final class PathAttributeMalformed extends Exception {
    PathAttributeMalformed(String reason) {
        super(reason, null, false, false);
    }
}
