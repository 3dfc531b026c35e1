package dev.tabby.bgpspeaker.config;

import dev.tabby.model.net.Cidr;

/**
 * One value under {@code /calico/ipam/v2/host/<node>/ipvN/block/<cidr>}: the block a node holds, and the affinity's
 * state as stored ("confirmed", "pending", "pendingDeletion"; a value without state is confirmed, as confd's
 * bird_aggr.cfg.template reads it: "implicitly confirmed").
 */
public record HostAffinity(String node, Cidr cidr, String state, boolean deleted) {
    public static final String CONFIRMED = "confirmed";

    public HostAffinity {
        cidr = cidr.network();
        state = state == null || state.isEmpty() ? CONFIRMED : state;
    }

    /** calico_aggr() exports a block (and hides what is beneath it) only when its affinity is confirmed. */
    public boolean confirmed() {
        return CONFIRMED.equals(state) && !deleted;
    }
}
