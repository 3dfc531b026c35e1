package dev.tabby.bgp.wire;

import dev.tabby.bgp.wire.AttributeError.Action;
import dev.tabby.bgp.wire.PathAttribute.As4Aggregator;
import dev.tabby.bgp.wire.PathAttribute.As4Path;
import dev.tabby.bgp.wire.PathAttribute.MpReach;
import dev.tabby.bgp.wire.PathAttribute.Unknown;
import dev.tabby.bgp.wire.PathAttributeTable.OnError;
import dev.tabby.bgp.wire.PathAttributeTable.Spec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * UPDATE bodies (RFC 4271 section 4.3, RFC 4760, RFC 6793, RFC 7606). Decoding throws {@link BgpDecodeException}
 * only for the errors RFC 7606 still answers with a session reset; the others come back in {@link Update#errors()}.
 */
public final class UpdateCodec {
    /** UPDATE Message Error subcodes (RFC 4271 section 4.5). */
    static final int MALFORMED_ATTRIBUTE_LIST = 1;
    static final int UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE = 2;
    static final int OPTIONAL_ATTRIBUTE_ERROR = 9;
    static final int INVALID_NETWORK_FIELD = 10;

    private static final int MP_REACH = 14;
    private static final int MP_UNREACH = 15;

    private UpdateCodec() {
    }

    /** Reads the body of an UPDATE (the bytes after the 19-octet header, exactly its length). */
    public static Update decode(ByteBuf body, Negotiated negotiated) throws BgpDecodeException {
        // RFC 4271 6.3: Withdrawn Routes Length or Total Attribute Length too large -> Malformed Attribute List.
        if (body.readableBytes() < 4) {
            throw malformedList("UPDATE body is " + body.readableBytes()
                    + " octets; it needs at least 4 (withdrawn routes length, total path attribute length)");
        }
        int withdrawnLength = body.readUnsignedShort();
        if (withdrawnLength > body.readableBytes() - 2) {
            throw malformedList("withdrawn routes length " + withdrawnLength + " overruns the UPDATE ("
                    + (body.readableBytes() - 2) + " octets remain before the attribute length)");
        }
        ByteBuf withdrawnField = body.readSlice(withdrawnLength);
        int attributesLength = body.readUnsignedShort();
        if (attributesLength > body.readableBytes()) {
            throw malformedList("total path attribute length " + attributesLength + " overruns the UPDATE ("
                    + body.readableBytes() + " octets remain)");
        }
        ByteBuf attributeField = body.readSlice(attributesLength);
        ByteBuf nlriField = body.readSlice(body.readableBytes());

        // RFC 7606 5.3: a syntax error in either prefix field means the routes cannot be known: session reset.
        List<Prefix> withdrawn = Prefix.readAll(withdrawnField, AfiSafi.IPV4_UNICAST, INVALID_NETWORK_FIELD,
                "withdrawn routes");
        List<Prefix> nlri = Prefix.readAll(nlriField, AfiSafi.IPV4_UNICAST, INVALID_NETWORK_FIELD, "NLRI");

        List<PathAttribute> attributes = new ArrayList<>();
        List<AttributeError> errors = new ArrayList<>();
        boolean[] seen = new boolean[256];
        while (attributeField.isReadable()) {
            int start = attributeField.readerIndex();
            // RFC 7606 section 4 would treat-as-withdraw here; see readHeaderLength for why Tabby resets.
            int flags = attributeField.readUnsignedByte();
            int code = readCode(attributeField);
            int length = readHeaderLength(attributeField, flags, code);
            ByteBuf value = attributeField.readSlice(length);
            byte[] whole = ByteBufUtil.getBytes(attributeField, start, attributeField.readerIndex() - start);
            String name = PathAttributeTable.name(code);

            if (seen[code]) {
                // RFC 7606 3.g: a second MP_REACH_NLRI / MP_UNREACH_NLRI resets; any other repeat is dropped.
                if (code == MP_REACH || code == MP_UNREACH) {
                    throw new BgpDecodeException(3, MALFORMED_ATTRIBUTE_LIST, null, name
                            + " appears more than once in the UPDATE");
                }
                errors.add(new AttributeError(code, Action.ATTRIBUTE_DISCARD, name
                        + " appears more than once; all but the first are discarded"));
                continue;
            }
            seen[code] = true;

            Spec spec = PathAttributeTable.get(code);
            if (spec == null) {
                if ((flags & PathAttribute.OPTIONAL) == 0) {
                    // RFC 4271 6.3: a well-known attribute we do not know cannot be passed on or ignored.
                    throw new BgpDecodeException(3, UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE, whole, "attribute " + code
                            + " has the well-known flag (optional bit clear) but Tabby does not recognise it");
                }
                attributes.add(new Unknown(flags, code, ByteBufUtil.getBytes(value)));
                continue;
            }

            PathAttribute decoded;
            try {
                decoded = spec.decoder().decode(value, negotiated);
            } catch (PathAttributeMalformed e) {
                if (spec.onError() == OnError.SESSION_RESET) {
                    throw new BgpDecodeException(3, OPTIONAL_ATTRIBUTE_ERROR, whole, e.getMessage());
                }
                errors.add(new AttributeError(code, spec.onError() == OnError.TREAT_AS_WITHDRAW
                        ? Action.TREAT_AS_WITHDRAW : Action.ATTRIBUTE_DISCARD, e.getMessage()));
                continue;
            }

            if (!spec.flagsMatch(flags)) {
                // RFC 7606 3.c: conflicting Optional/Transitive bits make the attribute malformed: treat-as-withdraw.
                // An MP attribute is still kept, so the routes it announces are known and can be withdrawn.
                errors.add(new AttributeError(code, Action.TREAT_AS_WITHDRAW, name + " flags 0x"
                        + Integer.toHexString(flags) + " conflict with its type: expected "
                        + (spec.optional() ? "optional " : "well-known ")
                        + (spec.transitive() ? "transitive" : "non-transitive")));
                if (code == MP_REACH || code == MP_UNREACH) {
                    attributes.add(decoded);
                }
                continue;
            }

            if (negotiated.fourOctetAs() && (decoded instanceof As4Path || decoded instanceof As4Aggregator)) {
                // RFC 6793 4.1: a NEW speaker never sends these to a NEW speaker; if one does they are discarded.
                errors.add(new AttributeError(code, Action.ATTRIBUTE_DISCARD, name
                        + " received on a session with 4-octet ASNs, where it must not be sent"));
                continue;
            }
            attributes.add(decoded);
        }

        checkMandatory(seen, nlri, attributes, errors);
        return new Update(withdrawn, attributes, nlri, errors);
    }

    private static int readCode(ByteBuf attributeField) throws BgpDecodeException {
        if (!attributeField.isReadable()) {
            throw malformedList("path attributes end with a lone flags octet, too short for an attribute header");
        }
        return attributeField.readUnsignedByte();
    }

    /**
     * The attribute length, which must fit in what is left of the attribute field. RFC 7606 section 4 asks for
     * treat-as-withdraw when it does not, relying on the Total Attribute Length to find the NLRI; but then any
     * MP_REACH_NLRI / MP_UNREACH_NLRI after the break is never seen and its routes could not be withdrawn, so Tabby
     * resets the session (RFC 4271 6.3, Malformed Attribute List), as RFC 7606 section 3 allows for "more severe"
     * errors.
     */
    private static int readHeaderLength(ByteBuf attributeField, int flags, int code) throws BgpDecodeException {
        boolean extended = (flags & PathAttribute.EXTENDED_LENGTH) != 0;
        if (attributeField.readableBytes() < (extended ? 2 : 1)) {
            throw malformedList(PathAttributeTable.name(code) + " header is cut off: its "
                    + (extended ? "2-octet extended" : "1-octet") + " length runs past the path attributes");
        }
        int length = extended ? attributeField.readUnsignedShort() : attributeField.readUnsignedByte();
        if (length > attributeField.readableBytes()) {
            throw malformedList(PathAttributeTable.name(code) + " length " + length
                    + " runs past the path attributes (" + attributeField.readableBytes() + " octets remain)");
        }
        return length;
    }

    /**
     * RFC 4271 5 and 6.3, RFC 4760 section 3 and 4, RFC 7606 3.d: with routes announced (NLRI field or
     * MP_REACH_NLRI) ORIGIN and AS_PATH must be present, and NEXT_HOP when the NLRI field is not empty; a missing
     * one means treat-as-withdraw. An UPDATE with only withdrawals (or an End-of-RIB) needs none.
     */
    private static void checkMandatory(boolean[] seen, List<Prefix> nlri, List<PathAttribute> attributes,
            List<AttributeError> errors) {
        boolean announces = !nlri.isEmpty() || attributes.stream().anyMatch(a -> a instanceof MpReach);
        if (!announces) {
            return;
        }
        for (int code : nlri.isEmpty() ? new int[] {1, 2} : new int[] {1, 2, 3}) {
            if (!seen[code]) {
                errors.add(new AttributeError(code, Action.TREAT_AS_WITHDRAW, "mandatory "
                        + PathAttributeTable.name(code) + " is missing from an UPDATE that announces routes"));
            }
        }
    }

    private static BgpDecodeException malformedList(String message) {
        return new BgpDecodeException(3, MALFORMED_ATTRIBUTE_LIST, null, message);
    }

    /**
     * Writes the body of an UPDATE (without the header). MP_UNREACH_NLRI and MP_REACH_NLRI go first (RFC 7606
     * section 5.1), the other attributes in type-code order; the extended-length flag is set when a value exceeds
     * 255 octets (or when an unknown attribute arrived with it).
     */
    public static void encodeBody(Update update, Negotiated negotiated, ByteBuf out) {
        int withdrawnLengthAt = out.writerIndex();
        out.writeShort(0);
        Prefix.writeAll(update.withdrawn(), out);
        out.setShort(withdrawnLengthAt, out.writerIndex() - withdrawnLengthAt - 2);

        int attributesLengthAt = out.writerIndex();
        out.writeShort(0);
        List<PathAttribute> ordered = new ArrayList<>(update.attributes());
        ordered.sort(Comparator.comparingInt(UpdateCodec::encodingRank));
        for (PathAttribute attribute : ordered) {
            writeAttribute(attribute, negotiated, out);
        }
        int attributesLength = out.writerIndex() - attributesLengthAt - 2;
        if (attributesLength > 0xFFFF) {
            throw new IllegalArgumentException("path attributes take " + attributesLength
                    + " octets; an UPDATE holds at most 65535");
        }
        out.setShort(attributesLengthAt, attributesLength);
        Prefix.writeAll(update.nlri(), out);
    }

    private static int encodingRank(PathAttribute attribute) {
        return switch (attribute.code()) {
            case MP_UNREACH -> -2;
            case MP_REACH -> -1;
            default -> attribute.code();
        };
    }

    private static void writeAttribute(PathAttribute attribute, Negotiated negotiated, ByteBuf out) {
        ByteBuf value = Unpooled.buffer();
        try {
            PathAttributeTable.writeValue(attribute, negotiated, value);
            int length = value.readableBytes();
            if (length > 0xFFFF) {
                throw new IllegalArgumentException(PathAttributeTable.name(attribute.code()) + " value is " + length
                        + " octets; an attribute holds at most 65535");
            }
            boolean extended = length > 255
                    || (attribute instanceof Unknown && (attribute.flags() & PathAttribute.EXTENDED_LENGTH) != 0);
            int flags = attribute.flags() & ~PathAttribute.EXTENDED_LENGTH;
            out.writeByte(extended ? flags | PathAttribute.EXTENDED_LENGTH : flags);
            out.writeByte(attribute.code());
            if (extended) {
                out.writeShort(length);
            } else {
                out.writeByte(length);
            }
            out.writeBytes(value);
        } finally {
            value.release();
        }
    }
}
