package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** Named networks for the whole cluster, selectable by label in policy rules like endpoints. */
public record GlobalNetworkSet(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(List<String> nets) {
    }

    @Override
    public GlobalNetworkSet withMetadata(ObjectMeta m) {
        return new GlobalNetworkSet(m, spec);
    }

    @Override
    public GlobalNetworkSet validated(Problems p) {
        return spec == null ? this : new GlobalNetworkSet(metadata, new Spec(Check.cidrs(p.at("nets"), spec.nets, true)));
    }
}
