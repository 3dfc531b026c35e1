package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An OPEN (RFC 4271 section 4.2) as it is on the wire: version, the 2-octet My Autonomous System field (AS_TRANS,
 * 23456, when the real AS needs 4 octets: RFC 6793), Hold Time, BGP Identifier, and the capabilities
 * of its Capabilities optional parameters (RFC 5492) in the order received. Whether the peer's AS is the one
 * configured is the session's check (Bad Peer AS); {@link #peerAs()} gives the AS to compare.
 */
public record Open(int version, int myAs, int holdTime, int bgpIdentifier, List<Capability> capabilities)
        implements BgpMessage {
    public static final int TYPE = 1;
    public static final int VERSION = 4;
    /** RFC 6793: the 2-octet AS sent in place of one that needs 4. */
    public static final int AS_TRANS = 23456;
    /** Version, My AS, Hold Time, BGP Identifier, Opt Parm Len: 10 octets after the header (RFC 4271 4.2). */
    static final int MIN_BODY = 10;

    private static final int CAPABILITIES_PARAMETER = 2;
    /** RFC 9072 section 2: Non-Ext OP Len and Non-Ext OP Type both 255 mean the extended format follows. */
    private static final int EXTENDED_PARAMETERS = 255;

    public Open {
        if (version < 0 || version > 0xFF) {
            throw new IllegalArgumentException("OPEN version " + version + " must fit one octet");
        }
        if (myAs < 0 || myAs > 0xFFFF) {
            throw new IllegalArgumentException("OPEN My AS " + myAs + " must fit 2 octets; send " + AS_TRANS
                    + " (AS_TRANS) with the 4-octet AS capability (RFC 6793), as Open.of does");
        }
        if (holdTime < 0 || holdTime > 0xFFFF) {
            throw new IllegalArgumentException("OPEN Hold Time " + holdTime + " must fit 2 octets");
        }
        capabilities = List.copyOf(capabilities);
    }

    /**
     * The OPEN a speaker of AS {@code asn} sends: version 4, My AS the AS itself or AS_TRANS when it needs 4 octets,
     * and the 4-octet AS capability carrying it added when missing (RFC 6793: a speaker that supports
     * 4-octet ASNs advertises it).
     */
    public static Open of(long asn, int holdTime, int bgpIdentifier, List<Capability> capabilities) {
        List<Capability> caps = new ArrayList<>(capabilities);
        if (caps.stream().noneMatch(c -> c instanceof Capability.FourOctetAs)) {
            caps.add(new Capability.FourOctetAs(asn));
        }
        return new Open(VERSION, asn <= 0xFFFF ? (int) asn : AS_TRANS, holdTime, bgpIdentifier, caps);
    }

    @Override
    public int type() {
        return TYPE;
    }

    /** The speaker's AS: the 4-octet AS capability's when sent (RFC 6793), else My AS. */
    public long peerAs() {
        return find(Capability.FourOctetAs.class).map(Capability.FourOctetAs::asn).orElse((long) myAs);
    }

    /** The first capability of that kind, if the OPEN has one. */
    public <T extends Capability> Optional<T> find(Class<T> kind) {
        return capabilities.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }

    /** Whether the OPEN carries a capability of that code. */
    public boolean has(int capabilityCode) {
        return capabilities.stream().anyMatch(c -> c.code() == capabilityCode);
    }

    /** The BGP Identifier as a dotted quad, the way operators read it. */
    public String bgpIdentifierText() {
        return (bgpIdentifier >>> 24) + "." + (bgpIdentifier >>> 16 & 0xFF) + "." + (bgpIdentifier >>> 8 & 0xFF)
                + "." + (bgpIdentifier & 0xFF);
    }

    /** Reads an OPEN's body (exactly the octets after the header; at least {@link #MIN_BODY}). */
    static Open decodeBody(ByteBuf body) throws BgpDecodeException {
        int messageLength = BgpFraming.HEADER_LENGTH + body.readableBytes();
        int version = body.readUnsignedByte();
        if (version != VERSION) {
            // RFC 4271 section 6.2: the data is the largest supported version below the one bid, or the smallest
            // supported when none is below; Tabby supports only 4, so it is 4 either way.
            throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_UNSUPPORTED_VERSION,
                    new byte[] {0, VERSION}, "OPEN version " + version + " is not supported; only BGP-4 is");
        }
        int myAs = body.readUnsignedShort();
        int holdTime = body.readUnsignedShort();
        if (holdTime == 1 || holdTime == 2) {
            throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_UNACCEPTABLE_HOLD_TIME,
                    null, "OPEN Hold Time " + holdTime + " is refused: it must be 0 or at least 3 seconds "
                    + "(RFC 4271 section 4.2)");
        }
        int bgpIdentifier = body.readInt();
        if (bgpIdentifier == 0) {
            throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_BAD_BGP_IDENTIFIER,
                    null, "OPEN BGP Identifier 0.0.0.0 is refused: it must be non-zero (RFC 6286 section 2.1)");
        }
        List<Capability> caps = decodeParameters(body, messageLength);
        Open open = new Open(version, myAs, holdTime, bgpIdentifier, caps);
        if (open.peerAs() == 0) {
            throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_BAD_PEER_AS, null,
                    "OPEN carries AS 0, which no speaker may use (RFC 7607 section 2)");
        }
        return open;
    }

    private static List<Capability> decodeParameters(ByteBuf body, int messageLength) throws BgpDecodeException {
        int length = body.readUnsignedByte();
        boolean extended = length == EXTENDED_PARAMETERS && body.isReadable()
                && body.getUnsignedByte(body.readerIndex()) == EXTENDED_PARAMETERS;
        if (extended) {
            if (body.readableBytes() < 3) {
                throw badLength(messageLength, "OPEN is too short for its RFC 9072 Extended Opt. Parm. Length");
            }
            body.skipBytes(1);
            length = body.readUnsignedShort();
        }
        if (length != body.readableBytes()) {
            // The parameters do not end where the message does; BIRD's bgp_rx_open (proto/bgp/packets.c)
            // answers this with Bad Message Length too.
            throw badLength(messageLength, "OPEN optional parameters length " + length + " does not match the "
                    + body.readableBytes() + " octets that follow it");
        }
        int headerLength = extended ? 3 : 2;
        List<Capability> caps = new ArrayList<>();
        while (body.isReadable()) {
            if (body.readableBytes() < headerLength) {
                throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_UNSPECIFIC, null,
                        "OPEN optional parameter header needs " + headerLength + " octets but "
                                + body.readableBytes() + " remain");
            }
            int type = body.readUnsignedByte();
            int paramLength = extended ? body.readUnsignedShort() : body.readUnsignedByte();
            if (paramLength > body.readableBytes()) {
                throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_UNSPECIFIC, null,
                        "OPEN optional parameter " + type + " says length " + paramLength + " but only "
                                + body.readableBytes() + " octets of optional parameters remain");
            }
            if (type != CAPABILITIES_PARAMETER) {
                // RFC 4271 section 6.2; type 1 (Authentication) is deprecated (RFC 5492).
                throw new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR,
                        Notification.OPEN_UNSUPPORTED_OPTIONAL_PARAMETER, null,
                        "OPEN optional parameter type " + type + " is not supported; only Capabilities (2) is");
            }
            caps.addAll(CapabilityDecoder.decodeAll(body.readSlice(paramLength)));
        }
        return caps;
    }

    private static BgpDecodeException badLength(int messageLength, String message) {
        return new BgpDecodeException(Notification.MESSAGE_HEADER_ERROR, Notification.HEADER_BAD_MESSAGE_LENGTH,
                new byte[] {(byte) (messageLength >>> 8), (byte) messageLength}, message);
    }

    /**
     * Writes the body: all capabilities in one Capabilities parameter, in the classic format while it fits the
     * 1-octet lengths, else in RFC 9072's extended format (section 2: used only when needed).
     */
    void encodeBody(ByteBuf out) {
        out.writeByte(version);
        out.writeShort(myAs);
        out.writeShort(holdTime);
        out.writeInt(bgpIdentifier);
        if (capabilities.isEmpty()) {
            out.writeByte(0);
            return;
        }
        ByteBuf caps = out.alloc().buffer();
        try {
            for (Capability c : capabilities) {
                c.encode(caps);
            }
            int capsLength = caps.readableBytes();
            if (2 + capsLength <= 0xFF) {
                out.writeByte(2 + capsLength);
                out.writeByte(CAPABILITIES_PARAMETER);
                out.writeByte(capsLength);
            } else {
                out.writeByte(EXTENDED_PARAMETERS);
                out.writeByte(EXTENDED_PARAMETERS);
                out.writeShort(3 + capsLength);
                out.writeByte(CAPABILITIES_PARAMETER);
                out.writeShort(capsLength);
            }
            out.writeBytes(caps);
        } finally {
            caps.release();
        }
    }
}
