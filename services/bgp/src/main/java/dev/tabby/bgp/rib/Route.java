package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.Prefix;

/** One path to a prefix, as learned from one peer. */
public record Route(Prefix prefix, PathAttributes attributes, Peer peer) {
    public Route {
        if (prefix == null || attributes == null || peer == null) {
            throw new IllegalArgumentException("route needs prefix, attributes and peer");
        }
    }
}
