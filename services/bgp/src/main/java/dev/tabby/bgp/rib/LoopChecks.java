package dev.tabby.bgp.rib;

/**
 * Input loop checks a route must pass before it is a candidate: our AS in the AS_PATH on any session (RFC 4271
 * 9.1.2; BIRD 1.6 bgp_as_path_loopy, without "allow local as"), and for route reflection (RFC 4456 8) ORIGINATOR_ID equal to our router ID or
 * our cluster ID in CLUSTER_LIST.
 */
public final class LoopChecks {
    private LoopChecks() {
    }

    /** Why the route must be dropped, or null when it passes. */
    public static String rejection(PathAttributes attributes, Peer from, LocalSpeaker self) {
        if (attributes.asPathContains(self.as())) {
            return "as_path_loop";
        }
        if (attributes.originatorId() != null && attributes.originatorId().equals(self.routerId())) {
            return "originator_id_is_ours";
        }
        if (attributes.clusterList().contains(self.clusterId())) {
            return "cluster_list_loop";
        }
        return null;
    }
}
