package dev.tabby.bgp.wire;

import java.util.Set;

/**
 * What both ends of a session announced in their OPENs, which changes how UPDATEs are read and written:
 * {@code fourOctetAs} (RFC 6793: AS_PATH carries 4-octet ASNs, no AS4_PATH), {@code extendedMessage} (RFC 8654:
 * messages up to 65535 octets instead of 4096), and the {@code families} both support (RFC 4760).
 */
public record Negotiated(boolean fourOctetAs, boolean extendedMessage, Set<AfiSafi> families) {
    public static final int MAX_MESSAGE = 4096;
    public static final int MAX_EXTENDED_MESSAGE = 65535;

    public Negotiated {
        families = Set.copyOf(families);
    }

    /** Before the OPENs are exchanged: 2-octet ASNs, 4096-octet messages, IPv4 unicast only. */
    public static final Negotiated BEFORE_OPEN = new Negotiated(false, false, Set.of(AfiSafi.IPV4_UNICAST));

    public int maxMessageLength() {
        return extendedMessage ? MAX_EXTENDED_MESSAGE : MAX_MESSAGE;
    }
}
