package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;

/** Named networks in one namespace, selectable by label in policy rules like endpoints. */
public record NetworkSet(ObjectMeta metadata, NetworkSetSpec spec) implements Resource {

    @Override
    public NetworkSet withMetadata(ObjectMeta m) {
        return new NetworkSet(m, spec);
    }

    @Override
    public NetworkSet validated(Problems p) {
        return spec == null ? this : new NetworkSet(metadata, spec.validated(p));
    }
}
