package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.Prefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loc-RIB (RFC 4271 3.2): every candidate per prefix, one from each peer, and the best of them by {@link BestPath}.
 * Fed incrementally: after {@link PeerRoutes#apply} the caller passes the changed prefixes to {@link #update}, which
 * re-decides only those and returns the prefixes whose best changed.
 */
public final class LocRib {
    private final Map<Prefix, Map<InetAddress, Route>> candidates = new HashMap<>();
    private final Map<Prefix, Route> best = new HashMap<>();

    /** Takes the current routes of {@code from} for {@code changed} and returns the resulting best changes. */
    public List<BestChange> update(PeerRoutes from, Collection<Prefix> changed) {
        List<BestChange> changes = new ArrayList<>();
        InetAddress peer = from.peer().address();
        for (Prefix prefix : changed) {
            Route route = from.route(prefix);
            Map<InetAddress, Route> forPrefix = candidates.get(prefix);
            if (route != null) {
                if (forPrefix == null) {
                    forPrefix = new HashMap<>(2);
                    candidates.put(prefix, forPrefix);
                }
                forPrefix.put(peer, route);
            } else if (forPrefix != null) {
                forPrefix.remove(peer);
                if (forPrefix.isEmpty()) {
                    candidates.remove(prefix);
                }
            }
            redecide(prefix, changes);
        }
        return changes;
    }

    public Route best(Prefix prefix) {
        return best.get(prefix);
    }

    public Map<Prefix, Route> bestRoutes() {
        return Collections.unmodifiableMap(best);
    }

    /** Candidates for one prefix, empty when none. */
    public Collection<Route> candidates(Prefix prefix) {
        Map<InetAddress, Route> forPrefix = candidates.get(prefix);
        return forPrefix == null ? List.of() : Collections.unmodifiableCollection(forPrefix.values());
    }

    public int size() {
        return best.size();
    }

    private void redecide(Prefix prefix, List<BestChange> changes) {
        Map<InetAddress, Route> forPrefix = candidates.get(prefix);
        Route after = forPrefix == null ? null : BestPath.best(forPrefix.values());
        Route before = after == null ? best.remove(prefix) : best.put(prefix, after);
        if (!Objects.equals(before, after)) {
            changes.add(new BestChange(prefix, before, after));
        }
    }
}
