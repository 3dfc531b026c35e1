package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adj-RIB-In of one peer (RFC 4271 3.2) after the input loop checks: the route it currently offers per prefix.
 * {@link #apply} takes one decoded UPDATE and returns the prefixes whose route from this peer changed, for {@link
 * LocRib#update}. A route failing the loop checks replaces (so withdraws) the one before it, as BIRD does.
 */
public final class PeerRoutes {
    private final Peer peer;
    private final LocalSpeaker self;
    private final Negotiated negotiated;
    private final AttributeInterner interner;
    private final Map<Prefix, Route> routes = new HashMap<>();

    public PeerRoutes(Peer peer, LocalSpeaker self, Negotiated negotiated, AttributeInterner interner) {
        this.peer = peer;
        this.self = self;
        this.negotiated = negotiated;
        this.interner = interner;
    }

    public Peer peer() {
        return peer;
    }

    /** The route this peer offers for {@code prefix} (host bits ignored), or null. */
    public Route route(Prefix prefix) {
        return routes.get(prefix.network());
    }

    public Collection<Route> routes() {
        return Collections.unmodifiableCollection(routes.values());
    }

    public int size() {
        return routes.size();
    }

    /**
     * Applies one UPDATE: withdrawals first (IPv4 field, MP_UNREACH_NLRI), then announcements (IPv4 NLRI with
     * NEXT_HOP, MP_REACH_NLRI with its own next hop). Under RFC 7606 treat-as-withdraw every announced prefix is
     * withdrawn instead. Returns the prefixes whose route from this peer changed, each once, in order met.
     */
    public Set<Prefix> apply(Update update) {
        Set<Prefix> changed = new LinkedHashSet<>();
        for (Prefix p : update.withdrawn()) {
            withdraw(p, changed);
        }
        PathAttribute.MpUnreach unreach = update.attribute(PathAttribute.MpUnreach.class);
        if (unreach != null) {
            for (Prefix p : unreach.withdrawn()) {
                withdraw(p, changed);
            }
        }
        PathAttribute.MpReach reach = update.attribute(PathAttribute.MpReach.class);
        boolean announces = !update.nlri().isEmpty() || (reach != null && !reach.nlri().isEmpty());
        if (!announces) {
            return changed;
        }
        if (update.treatAsWithdraw()) {
            update.nlri().forEach(p -> withdraw(p, changed));
            if (reach != null) {
                reach.nlri().forEach(p -> withdraw(p, changed));
            }
            return changed;
        }
        PathAttributes base = attributes(update);
        String rejected = LoopChecks.rejection(base, peer, self);
        if (!update.nlri().isEmpty()) {
            PathAttribute.NextHop hop = update.attribute(PathAttribute.NextHop.class);
            PathAttributes withHop = interner.intern(base.withNextHop(hop == null ? null : hop.address()));
            for (Prefix p : update.nlri()) {
                announce(p, withHop, rejected, changed);
            }
        }
        if (reach != null && !reach.nlri().isEmpty()) {
            InetAddress hop = reach.nextHops().isEmpty() ? null : reach.nextHops().get(0);
            PathAttributes withHop = interner.intern(base.withNextHop(hop));
            for (Prefix p : reach.nlri()) {
                announce(p, withHop, rejected, changed);
            }
        }
        return changed;
    }

    /** The session went down: every route is withdrawn (RFC 4271 8.2.2, no graceful restart). */
    public Set<Prefix> clear() {
        Set<Prefix> changed = new LinkedHashSet<>(routes.keySet());
        routes.clear();
        return changed;
    }

    private void withdraw(Prefix prefix, Set<Prefix> changed) {
        Prefix key = prefix.network();
        if (routes.remove(key) != null) {
            changed.add(key);
        }
    }

    private void announce(Prefix prefix, PathAttributes attributes, String rejected, Set<Prefix> changed) {
        if (rejected != null) {
            // RFC 4456 8 / RFC 4271 9.1.2: ignore the route; it still implicitly withdraws the one it replaces.
            withdraw(prefix, changed);
            return;
        }
        Prefix key = prefix.network();
        Route before = routes.get(key);
        if (before != null && before.attributes().equals(attributes)) {
            return;
        }
        routes.put(key, new Route(key, attributes, peer));
        changed.add(key);
    }

    private PathAttributes attributes(Update update) {
        PathAttribute.Origin origin = update.attribute(PathAttribute.Origin.class);
        List<AsPathSegment> asPath = update.mergedAsPath(negotiated);
        PathAttribute.MultiExitDisc med = update.attribute(PathAttribute.MultiExitDisc.class);
        PathAttribute.LocalPref localPref = update.attribute(PathAttribute.LocalPref.class);
        PathAttribute.Communities communities = update.attribute(PathAttribute.Communities.class);
        PathAttribute.LargeCommunities large = update.attribute(PathAttribute.LargeCommunities.class);
        PathAttribute.OriginatorId originator = update.attribute(PathAttribute.OriginatorId.class);
        PathAttribute.ClusterList clusters = update.attribute(PathAttribute.ClusterList.class);
        // RFC 4271 5.1.5: LOCAL_PREF from an external peer is ignored; BIRD then applies its default of 100.
        long effectiveLocalPref = peer.ibgp() && localPref != null ? localPref.value()
                : PathAttributes.DEFAULT_LOCAL_PREF;
        return new PathAttributes(origin == null ? PathAttribute.Origin.INCOMPLETE : origin.value(), asPath, null,
                med == null ? null : med.value(), effectiveLocalPref,
                communities == null ? List.of() : communities.values(),
                large == null ? List.of() : large.values(),
                originator == null ? null : originator.id(),
                clusters == null ? List.<Inet4Address>of() : clusters.clusterIds(), passedOn(update));
    }

    /** RFC 4271 section 5: unrecognised optional transitive attributes go on with the Partial bit; the rest drop. */
    private static List<PathAttribute.Unknown> passedOn(Update update) {
        List<PathAttribute.Unknown> out = null;
        for (PathAttribute a : update.attributes()) {
            if (a instanceof PathAttribute.Unknown u && u.propagated() != null) {
                if (out == null) {
                    out = new java.util.ArrayList<>(2);
                }
                out.add(u.propagated());
            }
        }
        return out == null ? List.of() : out;
    }
}
