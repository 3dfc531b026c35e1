package dev.tabby.ipam;

import dev.tabby.model.net.Cidr;
import java.util.List;

/** The blocks {@link Ipam#claimAffinity} now holds for the node, and those another node holds. */
public record ClaimResult(List<Cidr> claimed, List<Cidr> failed) {

    public ClaimResult {
        claimed = List.copyOf(claimed);
        failed = List.copyOf(failed);
    }
}
