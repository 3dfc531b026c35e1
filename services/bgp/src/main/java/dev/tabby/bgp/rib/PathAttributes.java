package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;

/**
 * The attributes of one path, as the RIBs keep them: immutable and interned ({@link AttributeInterner}) so many
 * prefixes announced with the same path share one instance. {@code localPref} is the effective value (received
 * LOCAL_PREF on iBGP, else {@link #DEFAULT_LOCAL_PREF}); {@code med} is null when MULTI_EXIT_DISC was absent;
 * {@code originatorId} null when ORIGINATOR_ID was absent; {@code passedOn} the optional transitive attributes
 * Tabby does not recognise, already with the Partial bit set (RFC 4271 section 5), to be sent on unchanged.
 */
public record PathAttributes(int origin, List<AsPathSegment> asPath, InetAddress nextHop, Long med, long localPref,
        List<Long> communities, List<LargeCommunity> largeCommunities, Inet4Address originatorId,
        List<Inet4Address> clusterList, List<PathAttribute.Unknown> passedOn) {
    /** BIRD's "default bgp_local_pref", which Calico's configuration leaves at 100. */
    public static final long DEFAULT_LOCAL_PREF = 100;

    public PathAttributes {
        asPath = List.copyOf(asPath);
        communities = List.copyOf(communities);
        largeCommunities = List.copyOf(largeCommunities);
        clusterList = List.copyOf(clusterList);
        passedOn = List.copyOf(passedOn);
    }

    /** Attributes with no unrecognised ones to pass on. */
    public PathAttributes(int origin, List<AsPathSegment> asPath, InetAddress nextHop, Long med, long localPref,
            List<Long> communities, List<LargeCommunity> largeCommunities, Inet4Address originatorId,
            List<Inet4Address> clusterList) {
        this(origin, asPath, nextHop, med, localPref, communities, largeCommunities, originatorId, clusterList,
                List.of());
    }

    /** Path length for the decision (RFC 4271 9.1.2.2 a): a set counts 1, confederation segments 0 (RFC 5065). */
    public int asPathLength() {
        int length = 0;
        for (AsPathSegment s : asPath) {
            length += switch (s.type()) {
                case AS_SEQUENCE -> s.asns().size();
                case AS_SET -> 1;
                case AS_CONFED_SEQUENCE, AS_CONFED_SET -> 0;
            };
        }
        return length;
    }

    public boolean asPathContains(long as) {
        for (AsPathSegment s : asPath) {
            if (s.asns().contains(as)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The neighbouring AS for the MED comparison (RFC 4271 9.1.2.2 c): the first AS of a leading AS_SEQUENCE, else
     * {@code peerAs} (for iBGP that is the local AS: the route was originated, or aggregated behind an AS_SET, here).
     */
    public long neighbourAs(long peerAs) {
        if (!asPath.isEmpty()) {
            AsPathSegment first = asPath.get(0);
            if (first.type() == AsPathSegment.Type.AS_SEQUENCE && !first.asns().isEmpty()) {
                return first.asns().get(0);
            }
        }
        return peerAs;
    }

    /** MED for the comparison: a missing MULTI_EXIT_DISC counts as 0, the lowest (RFC 4271 9.1.2.2 c). */
    public long effectiveMed() {
        return med == null ? 0 : med;
    }

    public PathAttributes withNextHop(InetAddress hop) {
        return new PathAttributes(origin, asPath, hop, med, localPref, communities, largeCommunities, originatorId,
                clusterList, passedOn);
    }

    public PathAttributes withReflection(Inet4Address originator, List<Inet4Address> clusters) {
        return new PathAttributes(origin, asPath, nextHop, med, localPref, communities, largeCommunities, originator,
                clusters, passedOn);
    }
}
