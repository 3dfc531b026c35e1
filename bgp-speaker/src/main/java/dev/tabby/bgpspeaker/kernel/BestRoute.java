package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;

/**
 * One best path of the Loc-RIB, as the kernel programming needs it. Several entries for one prefix are paths BIRD's
 * kernel protocol would merge ({@code merge paths on} in bird.cfg.template's {@code protocol kernel}): one multipath
 * route.
 *
 * @param prefix  the destination
 * @param nextHop the BGP next hop ({@code bgp_next_hop}); null for a locally originated route
 * @param origin  learned from a peer, or originated by this node
 */
public record BestRoute(Cidr prefix, IpAddress nextHop, Origin origin) {
    public enum Origin {
        /** Learned from a BGP peer: programmed into the kernel when the filter accepts it. */
        PEER,
        /**
         * Originated here (this node's blocks, service CIDRs): never programmed from the RIB. BIRD's kernel protocol
         * exports only routes of other protocols, and this node's blackholes come from its affine blocks.
         */
        LOCAL
    }

    public BestRoute {
        prefix = prefix.network();
    }

    public static BestRoute learned(Cidr prefix, IpAddress nextHop) {
        return new BestRoute(prefix, nextHop, Origin.PEER);
    }

    public static BestRoute local(Cidr prefix) {
        return new BestRoute(prefix, null, Origin.LOCAL);
    }
}
