package dev.tabby.datastore.resource;

import dev.tabby.model.v3.Resource;
import java.util.List;

/**
 * Resources of one kind as of one etcd revision. Values that did not decode are listed in {@code unreadable}
 * (one line each, naming the key), so one corrupt key hides nothing else. {@code warnings} name what is wrong with
 * values that were read leniently (see {@code ResourceStore.listLenient}); empty for a strict list.
 */
public record ResourceList(List<Resource> items, long revision, List<String> unreadable, List<String> warnings) {

    public ResourceList {
        items = List.copyOf(items);
        unreadable = List.copyOf(unreadable);
        warnings = List.copyOf(warnings);
    }
}
