package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.model.net.Cidr;
import java.util.List;

/**
 * One BGPConfiguration prefixAdvertisement with its community names resolved: every exported route inside
 * {@code cidr} carries these communities (bird.cfg.template apply_communities(): {@code if ( net ~ cidr )}).
 * Standard communities are the 32-bit value {@code asn << 16 | value}.
 */
public record PrefixCommunities(Cidr cidr, List<Long> communities, List<LargeCommunity> largeCommunities) {
    public PrefixCommunities {
        cidr = cidr.network();
        communities = List.copyOf(communities);
        largeCommunities = List.copyOf(largeCommunities);
    }
}
