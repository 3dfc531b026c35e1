package dev.tabby.model.codec;

import dev.tabby.model.v3.Resource;
import java.util.List;

/**
 * A resource read leniently from etcd ({@link ResourceCodec#readStored}) and what is wrong with its stored value,
 * one line per problem naming the key; no warnings when Tabby could have written it itself.
 */
public record StoredResource(Resource resource, List<String> warnings) {
}
