package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** Named networks in one namespace, selectable by label in policy rules like endpoints. */
public record NetworkSet(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(List<String> nets) {
    }

    @Override
    public NetworkSet withMetadata(ObjectMeta m) {
        return new NetworkSet(m, spec);
    }

    @Override
    public NetworkSet validated(Problems p) {
        return spec == null ? this : new NetworkSet(metadata, new Spec(Check.cidrs(p.at("nets"), spec.nets, true)));
    }
}
