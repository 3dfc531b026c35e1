package dev.tabby.ctl.commands;

import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.Kind;
import java.util.Optional;

/**
 * The cluster's AS number as calicoctl's {@code config "asnumber"} template function finds it
 * (calicoctl/commands/common/printer.go): BGPConfiguration {@code default}'s asNumber; 64512, the first private AS,
 * when there is no such configuration; {@code unknown} when the datastore cannot be read.
 */
final class GetClusterAs {
    static final String DEFAULT_AS = "64512";

    private GetClusterAs() {
    }

    static String of(ResourceStore store) {
        Optional<?> found;
        try {
            found = store.get(new ResourceId(Kind.BGP_CONFIGURATION, null, "default"));
        } catch (DatastoreException e) {
            return "unknown";
        }
        if (found.isEmpty()) {
            return DEFAULT_AS;
        }
        BGPConfiguration c = (BGPConfiguration) found.get();
        // calicoctl v3.18 dereferences a nil asNumber here and fails; 64512 is what BGP then runs with.
        return c.spec() == null || c.spec().asNumber() == null ? DEFAULT_AS : c.spec().asNumber().toString();
    }
}
