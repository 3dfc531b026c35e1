package dev.tabby.ipam.model;

/** The value under {@code /calico/ipam/v2/host/<node>/ipvN/block/<cidr>}: {@code {"state": ..., "deleted": false}}. */
public record BlockAffinity(AffinityState state, boolean deleted) {

    public static BlockAffinity of(AffinityState state) {
        return new BlockAffinity(state, false);
    }
}
