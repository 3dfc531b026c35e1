package dev.tabby.bgp.speaker;

import dev.tabby.bgp.rib.BestChange;
import java.util.List;

/**
 * Where the best learned routes go: bgp-speaker's kernel routes. Called on the speaker's thread, so it must only
 * record the change and hand the work to its own thread.
 */
public interface RouteSink {
    RouteSink NONE = changes -> { };

    /** The best route learned from peers changed for these prefixes (a null {@code after}: no route any more). */
    void bestChanged(List<BestChange> changes);
}
