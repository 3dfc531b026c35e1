package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.Cidr;

/**
 * A network on one of this host's interfaces (from its addresses), as BIRD's {@code protocol direct} knows it: the
 * device a next hop is reached through, and a prefix for which the connected route wins over BGP.
 *
 * @param network   the address's network, e.g. 10.0.0.0/24 for 10.0.0.5/24
 * @param linkIndex the interface holding the address
 */
public record ConnectedNetwork(Cidr network, int linkIndex) {
    public ConnectedNetwork {
        network = network.network();
    }
}
