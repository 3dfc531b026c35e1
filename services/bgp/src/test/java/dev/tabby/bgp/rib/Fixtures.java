package dev.tabby.bgp.rib;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builders for RIB tests: peers, attribute sets and UPDATE attribute lists. */
final class Fixtures {
    static final long OUR_AS = 64512;
    static final LocalSpeaker SELF = new LocalSpeaker(OUR_AS, v4("10.0.0.1"), v4("10.0.0.1"));
    static final Negotiated FOUR_OCTET = new Negotiated(true, false,
            Set.of(AfiSafi.IPV4_UNICAST, AfiSafi.IPV6_UNICAST));

    private Fixtures() {
    }

    static Inet4Address v4(String a) {
        try {
            return (Inet4Address) InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static InetAddress ip(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Peer ibgp(String address) {
        return new Peer(ip(address), OUR_AS, v4(address), true, false);
    }

    static Peer client(String address) {
        return new Peer(ip(address), OUR_AS, v4(address), true, true);
    }

    static Peer ebgp(String address, long as) {
        return new Peer(ip(address), as, v4(address), false, false);
    }

    static Peer withId(Peer p, String bgpId) {
        return new Peer(p.address(), p.as(), v4(bgpId), p.ibgp(), p.rrClient());
    }

    /** A mutable builder of PathAttributes, starting from a plain IGP path through {@code as}. */
    static final class Attrs {
        int origin = PathAttribute.Origin.IGP;
        List<AsPathSegment> asPath = new ArrayList<>();
        InetAddress nextHop = ip("192.0.2.1");
        Long med;
        long localPref = 100;
        Inet4Address originatorId;
        List<Inet4Address> clusterList = new ArrayList<>();

        Attrs path(Long... asns) {
            asPath = new ArrayList<>(List.of(AsPathSegment.sequence(asns)));
            return this;
        }

        Attrs segments(AsPathSegment... segments) {
            asPath = new ArrayList<>(List.of(segments));
            return this;
        }

        Attrs origin(int o) {
            origin = o;
            return this;
        }

        Attrs med(long m) {
            med = m;
            return this;
        }

        Attrs localPref(long l) {
            localPref = l;
            return this;
        }

        Attrs originator(String id) {
            originatorId = v4(id);
            return this;
        }

        Attrs clusters(String... ids) {
            clusterList = new ArrayList<>();
            for (String id : ids) {
                clusterList.add(v4(id));
            }
            return this;
        }

        PathAttributes build() {
            return new PathAttributes(origin, asPath, nextHop, med, localPref, List.of(), List.of(), originatorId,
                    clusterList);
        }
    }

    static Attrs attrs() {
        return new Attrs();
    }

    static Route route(String prefix, Attrs a, Peer peer) {
        return new Route(Prefix.parse(prefix), a.build(), peer);
    }

    /** ORIGIN, AS_PATH and NEXT_HOP for an IPv4 UPDATE, plus any extra attributes. */
    static List<PathAttribute> v4Attributes(String nextHop, List<Long> asPath, PathAttribute... extra) {
        List<PathAttribute> list = new ArrayList<>();
        list.add(new PathAttribute.Origin(PathAttribute.Origin.IGP));
        list.add(new PathAttribute.AsPath(asPath.isEmpty() ? List.of()
                : List.of(new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, asPath))));
        list.add(new PathAttribute.NextHop(v4(nextHop)));
        list.addAll(List.of(extra));
        return list;
    }

    static List<Prefix> prefixes(String... cidrs) {
        List<Prefix> list = new ArrayList<>();
        for (String c : cidrs) {
            list.add(Prefix.parse(c));
        }
        return list;
    }
}
