package dev.tabby.ipam.routes;

import dev.tabby.model.net.Cidr;

/**
 * A destination and the node that serves it: a block (to the node it is affine to) or a /32 (to the node an address
 * outside its block's affinity was allocated for). Felix's {@code nodenameRoute}.
 *
 * @param destination  the block, or one address as a /32
 * @param node         the node the traffic goes to
 */
public record NodeRoute(Cidr destination, String node) {
    /** A /32 (or /128) for one allocation rather than a whole block. */
    public boolean isHostRoute() {
        return destination.prefixLength() == destination.address().bitLength();
    }
}
