package dev.tabby.datastore.resource;

import dev.tabby.model.v3.Resource;
import java.util.List;

/**
 * Resources of one kind as of one etcd revision. Values that did not decode are listed in {@code unreadable}
 * (one line each, naming the key), so one corrupt key hides nothing else.
 */
public record ResourceList(List<Resource> items, long revision, List<String> unreadable) {
}
