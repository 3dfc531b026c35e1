package dev.tabby.bgp.speaker;

import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.bgp.wire.Prefix;
import java.util.List;

/**
 * A route this speaker originates: an IPAM block affine to the node, a borrowed /32, a service CIDR, or a prefix
 * posted to {@code /v1/routes}, with the communities BGPConfiguration's {@code communities} and
 * {@code prefixAdvertisements} give it (standard communities as the 32-bit value {@code asn << 16 | value}).
 */
public record Origination(Prefix prefix, List<Long> communities, List<LargeCommunity> largeCommunities) {
    public Origination {
        communities = List.copyOf(communities);
        largeCommunities = List.copyOf(largeCommunities);
    }

    public static Origination of(Prefix prefix) {
        return new Origination(prefix, List.of(), List.of());
    }
}
