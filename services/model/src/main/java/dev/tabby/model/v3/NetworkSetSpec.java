package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** The spec NetworkSet and GlobalNetworkSet share: networks (CIDRs or single addresses). */
public record NetworkSetSpec(List<String> nets) {

    NetworkSetSpec validated(Problems p) {
        return new NetworkSetSpec(Check.cidrs(p.at("nets"), nets, true));
    }
}
