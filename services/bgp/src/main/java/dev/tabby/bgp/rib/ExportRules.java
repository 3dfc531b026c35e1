package dev.tabby.bgp.rib;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * Which peers may receive a best route, and with what reflection attributes (RFC 4271 9.2, RFC 4456 6 and 8):
 * <ul>
 * <li>never back to the peer it came from (BIRD does not echo a route to its source);</li>
 * <li>eBGP-learned: to every peer;</li>
 * <li>iBGP-learned: to eBGP peers; to iBGP peers only when we reflect it: learned from a client, to all iBGP
 * peers; learned from a non-client, to clients only. Reflected routes get ORIGINATOR_ID (the source's BGP
 * identifier, unless already set) and our cluster ID prepended to CLUSTER_LIST.</li>
 * </ul>
 * Sent to an eBGP peer, ORIGINATOR_ID and CLUSTER_LIST are cleared (they do not leave the AS, RFC 4456 8) and
 * local pref reset to the default: the encoder must leave LOCAL_PREF out towards eBGP (RFC 4271 5.1.5). The AS
 * prepend and next hop of an eBGP export are the Adj-RIB-Out's job, not done here.
 */
public final class ExportRules {
    private ExportRules() {
    }

    /** The attributes to advertise {@code best} to {@code to} with, or null when it must not be sent there. */
    public static PathAttributes export(Route best, Peer to, LocalSpeaker self) {
        Peer from = best.peer();
        PathAttributes a = best.attributes();
        if (from.address().equals(to.address())) {
            return null;
        }
        if (!to.ibgp()) {
            return new PathAttributes(a.origin(), a.asPath(), a.nextHop(), a.med(), PathAttributes.DEFAULT_LOCAL_PREF,
                    a.communities(), a.largeCommunities(), null, List.of(), a.passedOn());
        }
        if (!from.ibgp()) {
            return a;
        }
        if (!from.rrClient() && !to.rrClient()) {
            return null; // RFC 4271 9.2: iBGP-learned routes are not passed between non-client iBGP peers.
        }
        Inet4Address originator = a.originatorId() != null ? a.originatorId() : from.bgpId();
        List<Inet4Address> clusters = new ArrayList<>(a.clusterList().size() + 1);
        clusters.add(self.clusterId());
        clusters.addAll(a.clusterList());
        return a.withReflection(originator, clusters);
    }
}
