package dev.tabby.bgp.wire;

import java.util.EnumSet;
import java.util.Set;

/** What a session may use once both OPENs are known: only what both speakers announced. */
public final class Negotiation {
    private Negotiation() {
    }

    /**
     * Families both announced (RFC 4760 section 8, RFC 5492 section 4), 4-octet ASNs if both sent the capability
     * (RFC 6793), extended messages if both sent it (RFC 8654 section 3). An OPEN with no Multiprotocol
     * capability counts as IPv4 unicast only, as the speakers before RFC 4760 were.
     */
    public static Negotiated negotiate(Open local, Open remote) {
        Set<AfiSafi> families = families(local);
        families.retainAll(families(remote));
        boolean fourOctetAs = local.has(Capability.FOUR_OCTET_AS) && remote.has(Capability.FOUR_OCTET_AS);
        boolean extended = local.has(Capability.EXTENDED_MESSAGE) && remote.has(Capability.EXTENDED_MESSAGE);
        return new Negotiated(fourOctetAs, extended, families);
    }

    /** The families an OPEN announces that Tabby speaks. */
    static Set<AfiSafi> families(Open open) {
        Set<AfiSafi> families = EnumSet.noneOf(AfiSafi.class);
        boolean anyMultiprotocol = false;
        for (Capability c : open.capabilities()) {
            if (c instanceof Capability.MultiProtocol mp) {
                anyMultiprotocol = true;
                if (mp.family() != null) {
                    families.add(mp.family());
                }
            }
        }
        if (!anyMultiprotocol) {
            families.add(AfiSafi.IPV4_UNICAST);
        }
        return families;
    }
}
