package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;

/** Named networks for the whole cluster, selectable by label in policy rules like endpoints. */
public record GlobalNetworkSet(ObjectMeta metadata, NetworkSetSpec spec) implements Resource {

    @Override
    public GlobalNetworkSet withMetadata(ObjectMeta m) {
        return new GlobalNetworkSet(m, spec);
    }

    @Override
    public GlobalNetworkSet validated(Problems p) {
        return spec == null ? this : new GlobalNetworkSet(metadata, spec.validated(p));
    }
}
