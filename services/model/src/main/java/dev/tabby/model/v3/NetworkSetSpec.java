package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** The spec NetworkSet and GlobalNetworkSet share: networks (CIDRs or single addresses). */
public record NetworkSetSpec(List<String> nets) {

    NetworkSetSpec validated(Problems p) {
        // networkset.go / globalnetworkset.go: nets are "cidr": a CIDR, host bits allowed, or an address.
        return new NetworkSetSpec(Check.nets(p.at("nets"), nets, "cidr"));
    }
}
