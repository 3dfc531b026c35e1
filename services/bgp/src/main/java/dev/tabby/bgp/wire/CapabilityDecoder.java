package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** Reads the capabilities of a Capabilities optional parameter (RFC 5492 section 4), one record per code. */
final class CapabilityDecoder {
    private CapabilityDecoder() {
    }

    /**
     * Reads every capability of one Capabilities optional parameter's value (exactly the parameter's octets). A
     * capability whose length runs past its parameter, or a known one whose length its RFC does not allow, is a
     * malformed recognized optional parameter: OPEN Message Error, subcode 0 Unspecific (RFC 4271 section 6.2).
     */
    static List<Capability> decodeAll(ByteBuf param) throws BgpDecodeException {
        List<Capability> caps = new ArrayList<>();
        while (param.isReadable()) {
            if (param.readableBytes() < 2) {
                throw malformed("a capability header needs 2 octets but " + param.readableBytes()
                        + " remain in its optional parameter");
            }
            int code = param.readUnsignedByte();
            int length = param.readUnsignedByte();
            if (length > param.readableBytes()) {
                throw malformed("capability " + code + " says length " + length + " but only "
                        + param.readableBytes() + " octets remain in its optional parameter");
            }
            caps.add(decodeOne(code, length, param.readSlice(length)));
        }
        return caps;
    }

    private static Capability decodeOne(int code, int length, ByteBuf value) throws BgpDecodeException {
        switch (code) {
            case Capability.MULTIPROTOCOL -> {
                requireLength(code, "Multiprotocol Extensions (RFC 4760 section 8)", length, length == 4);
                int afi = value.readUnsignedShort();
                value.skipBytes(1); // reserved: "SHOULD be ignored by the receiver"
                return new Capability.MultiProtocol(afi, value.readUnsignedByte());
            }
            case Capability.ROUTE_REFRESH -> {
                requireLength(code, "Route Refresh (RFC 2918 section 2)", length, length == 0);
                return new Capability.RouteRefresh();
            }
            case Capability.ENHANCED_ROUTE_REFRESH -> {
                requireLength(code, "Enhanced Route Refresh (RFC 7313 section 3.1)", length, length == 0);
                return new Capability.EnhancedRouteRefresh();
            }
            case Capability.EXTENDED_MESSAGE -> {
                requireLength(code, "Extended Message (RFC 8654 section 3)", length, length == 0);
                return new Capability.ExtendedMessage();
            }
            case Capability.FOUR_OCTET_AS -> {
                requireLength(code, "4-octet AS (RFC 6793 section 3)", length, length == 4);
                return new Capability.FourOctetAs(value.readUnsignedInt());
            }
            case Capability.GRACEFUL_RESTART -> {
                requireLength(code, "Graceful Restart (RFC 4724 section 3), 2 + 4 per family,", length,
                        length >= 2 && (length - 2) % 4 == 0);
                int flagsAndTime = value.readUnsignedShort();
                List<Capability.GracefulRestart.Family> families = new ArrayList<>();
                while (value.isReadable()) {
                    families.add(new Capability.GracefulRestart.Family(value.readUnsignedShort(),
                            value.readUnsignedByte(), value.readUnsignedByte()));
                }
                return new Capability.GracefulRestart(flagsAndTime >>> 12, flagsAndTime & 0xFFF, families);
            }
            default -> {
                byte[] bytes = new byte[length];
                value.readBytes(bytes);
                return new Capability.Unknown(code, bytes);
            }
        }
    }

    private static void requireLength(int code, String name, int length, boolean ok) throws BgpDecodeException {
        if (!ok) {
            throw malformed("capability " + code + " " + name + " cannot have length " + length);
        }
    }

    private static BgpDecodeException malformed(String message) {
        return new BgpDecodeException(Notification.OPEN_MESSAGE_ERROR, Notification.OPEN_UNSPECIFIC, null,
                "malformed Capabilities optional parameter: " + message);
    }

}
