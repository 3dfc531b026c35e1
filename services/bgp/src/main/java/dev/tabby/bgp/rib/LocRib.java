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
    /**
     * Per prefix, its one candidate (a {@link Route}) or, when several peers offer it, a map by peer address: most
     * prefixes have one path, and a map each would double the memory of 100,000 routes.
     */
    private final Map<Prefix, Object> candidates = new HashMap<>();
    private final Map<Prefix, Route> best = new HashMap<>();

    /** Takes the current routes of {@code from} for {@code changed} and returns the resulting best changes. */
    public List<BestChange> update(PeerRoutes from, Collection<Prefix> changed) {
        List<BestChange> changes = new ArrayList<>();
        InetAddress peer = from.peer().address();
        for (Prefix prefix : changed) {
            Route route = from.route(prefix);
            Object held = candidates.get(prefix);
            if (route != null) {
                if (held == null || (held instanceof Route r && r.peer().address().equals(peer))) {
                    candidates.put(prefix, route);
                } else if (held instanceof Route r) {
                    Map<InetAddress, Route> several = new HashMap<>(4);
                    several.put(r.peer().address(), r);
                    several.put(peer, route);
                    candidates.put(prefix, several);
                } else {
                    several(held).put(peer, route);
                }
            } else if (held instanceof Route r) {
                if (r.peer().address().equals(peer)) {
                    candidates.remove(prefix);
                }
            } else if (held != null) {
                Map<InetAddress, Route> several = several(held);
                several.remove(peer);
                if (several.size() == 1) {
                    candidates.put(prefix, several.values().iterator().next());
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
        Object held = candidates.get(prefix);
        if (held == null) {
            return List.of();
        }
        return held instanceof Route r ? List.of(r) : Collections.unmodifiableCollection(several(held).values());
    }

    @SuppressWarnings("unchecked")
    private static Map<InetAddress, Route> several(Object held) {
        return (Map<InetAddress, Route>) held;
    }

    public int size() {
        return best.size();
    }

    private void redecide(Prefix prefix, List<BestChange> changes) {
        Object held = candidates.get(prefix);
        Route after = held == null ? null : held instanceof Route r ? r : BestPath.best(several(held).values());
        Route before = after == null ? best.remove(prefix) : best.put(prefix, after);
        if (!Objects.equals(before, after)) {
            changes.add(new BestChange(prefix, before, after));
        }
    }
}
