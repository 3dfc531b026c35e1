package dev.tabby.bgp.rib;

import java.net.Inet4Address;

/**
 * This speaker as the loop checks and export rules see it: our AS, our router ID and our cluster ID. BIRD uses the
 * router ID as cluster ID unless "rr cluster id" is set, and Calico's BGPPeer/Node routeReflectorClusterID sets it.
 */
public record LocalSpeaker(long as, Inet4Address routerId, Inet4Address clusterId) {
    public LocalSpeaker {
        if (routerId == null) {
            throw new IllegalArgumentException("router ID is required");
        }
        if (clusterId == null) {
            clusterId = routerId;
        }
    }
}
