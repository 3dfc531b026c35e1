package dev.tabby.bgp.speaker;

import dev.tabby.bgp.rib.PathAttributes;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.AsPathSegment;
import dev.tabby.bgp.wire.PathAttribute;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The last step of export, per session, as BIRD does it by default: toward eBGP our AS is prepended and the next
 * hop is ours unless {@code keepOriginalNextHop} ("next hop keep"), MED only for routes we originate; toward iBGP
 * the next hop is kept except on routes we originate, where it is ours. Then the path attributes of the UPDATE.
 */
final class OutboundAttributes {
    private OutboundAttributes() {
    }

    /** The attributes {@code exported} (after {@code ExportRules}) are sent with on this session. */
    static PathAttributes finish(PathAttributes exported, boolean local, boolean ibgp, long localAs,
            boolean keepOriginalNextHop, InetAddress selfNextHop) {
        if (ibgp) {
            return local ? exported.withNextHop(selfNextHop) : exported;
        }
        InetAddress hop = keepOriginalNextHop && !local && exported.nextHop() != null ? exported.nextHop()
                : selfNextHop;
        return new PathAttributes(exported.origin(), prepend(exported.asPath(), localAs), hop,
                local ? exported.med() : null, PathAttributes.DEFAULT_LOCAL_PREF, exported.communities(),
                exported.largeCommunities(), null, List.of(), exported.passedOn());
    }

    /** RFC 4271 5.1.2: our AS goes first in a leading AS_SEQUENCE, or in a new one before an AS_SET. */
    static List<AsPathSegment> prepend(List<AsPathSegment> path, long as) {
        List<AsPathSegment> out = new ArrayList<>(path.size() + 1);
        if (!path.isEmpty() && path.get(0).type() == AsPathSegment.Type.AS_SEQUENCE
                && path.get(0).asns().size() < 255) {
            List<Long> asns = new ArrayList<>(path.get(0).asns().size() + 1);
            asns.add(as);
            asns.addAll(path.get(0).asns());
            out.add(new AsPathSegment(AsPathSegment.Type.AS_SEQUENCE, asns));
            out.addAll(path.subList(1, path.size()));
        } else {
            out.add(AsPathSegment.sequence(as));
            out.addAll(path);
        }
        return out;
    }

    /**
     * The UPDATE's attributes for these finished attributes: IPv4 routes use NEXT_HOP (and the NLRI field), IPv6
     * routes MP_REACH_NLRI, whose prefixes the caller adds. LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST only on iBGP.
     */
    static List<PathAttribute> wire(PathAttributes a, AfiSafi family, boolean ibgp) {
        List<PathAttribute> out = new ArrayList<>(8);
        out.add(new PathAttribute.Origin(a.origin()));
        out.add(new PathAttribute.AsPath(a.asPath()));
        if (family == AfiSafi.IPV4_UNICAST) {
            out.add(new PathAttribute.NextHop((Inet4Address) a.nextHop()));
        }
        if (a.med() != null) {
            out.add(new PathAttribute.MultiExitDisc(a.med()));
        }
        if (ibgp) {
            out.add(new PathAttribute.LocalPref(a.localPref()));
        }
        if (!a.communities().isEmpty()) {
            out.add(new PathAttribute.Communities(a.communities()));
        }
        if (ibgp && a.originatorId() != null) {
            out.add(new PathAttribute.OriginatorId(a.originatorId()));
        }
        if (ibgp && !a.clusterList().isEmpty()) {
            out.add(new PathAttribute.ClusterList(a.clusterList()));
        }
        if (!a.largeCommunities().isEmpty()) {
            out.add(new PathAttribute.LargeCommunities(a.largeCommunities()));
        }
        out.addAll(a.passedOn());
        return out;
    }
}
