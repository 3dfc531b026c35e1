package dev.tabby.ipip.plan;

/**
 * Who programs this node's IP-in-IP routes, from bgp-speaker's claim (datastore {@code RouteClaims}).
 */
public enum RouteOwner {
    /** No claim: ipip-manager programs them, and owns every route on tunl0 whatever its protocol. */
    IPIP_MANAGER,
    /** bgp-speaker holds the claim but has not written the kernel since: ours stay exactly as they are. */
    HANDING_OVER,
    /** bgp-speaker holds the claim and has programmed the kernel: ours that it did not replace are removed. */
    BGP_SPEAKER
}
