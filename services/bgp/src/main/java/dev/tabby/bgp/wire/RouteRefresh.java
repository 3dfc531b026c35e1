package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;

/**
 * A ROUTE-REFRESH (RFC 2918 section 3): AFI, one octet that RFC 7313 section 3.2 made the Message Subtype (0 a
 * plain refresh request, 1 Beginning of Route Refresh, 2 End of Route Refresh), and SAFI. A subtype other than
 * 0, 1 or 2 decodes as received: RFC 7313 asks the session to ignore such a message, not to reset.
 */
public record RouteRefresh(int afi, int subtype, int safi) implements BgpMessage {
    public static final int TYPE = 5;
    /** The body is always AFI (2), subtype (1), SAFI (1): Tabby does not do ORF (RFC 5291). */
    static final int BODY = 4;

    public static final int REQUEST = 0;
    public static final int BEGIN = 1;
    public static final int END = 2;

    public RouteRefresh {
        if (afi < 0 || afi > 0xFFFF || subtype < 0 || subtype > 0xFF || safi < 0 || safi > 0xFF) {
            throw new IllegalArgumentException("ROUTE-REFRESH AFI " + afi + " subtype " + subtype + " SAFI " + safi
                    + " out of range (AFI 0..65535, subtype and SAFI 0..255)");
        }
    }

    public static RouteRefresh of(AfiSafi family, int subtype) {
        return new RouteRefresh(family.afi(), subtype, family.safi());
    }

    /** The family, or null for one Tabby does not speak. */
    public AfiSafi family() {
        return AfiSafi.of(afi, safi);
    }

    /** Subtypes 0, 1 and 2 are defined (RFC 7313 section 3.2); any other MUST be ignored by the receiver. */
    public boolean knownSubtype() {
        return subtype <= END;
    }

    @Override
    public int type() {
        return TYPE;
    }

    static RouteRefresh decodeBody(ByteBuf body) {
        return new RouteRefresh(body.readUnsignedShort(), body.readUnsignedByte(), body.readUnsignedByte());
    }

    void encodeBody(ByteBuf out) {
        out.writeShort(afi);
        out.writeByte(subtype);
        out.writeByte(safi);
    }
}
