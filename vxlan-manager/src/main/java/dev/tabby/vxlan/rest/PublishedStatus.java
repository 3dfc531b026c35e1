package dev.tabby.vxlan.rest;

import dev.tabby.vxlan.manager.VxlanStatus;
import java.util.List;

/**
 * What a node publishes under {@code /tabby/status/<node>/vxlan-manager}: {@code /v1/status} with its per-node lists
 * counted. Every node publishes one, so a list of every remote VTEP and route in each would grow etcd with the square
 * of the cluster: ~1 MB per node at 5,000 nodes (5 GB in all, past etcd's 2 GB default quota, and each document near
 * its 1.5 MiB request limit), rewritten on every node change anywhere. Felix publishes no more than a summary either
 * (felix/statusrep: {@code /calico/felix/v1/host/<host>/status} holds times only). The lists stay on the node's
 * {@code GET /v1/status}.
 *
 * @param ready            in sync, applied, settled
 * @param reason           why not ready, or "ready"
 * @param datastore        the syncer's status
 * @param lastError        the last failed apply's failures, or null
 * @param lastApplyWrites  kernel writes of the last apply
 * @param allocator        what the tunnel address allocator last did (null when it is off)
 * @param vxlan            what is programmed, counted
 */
public record PublishedStatus(boolean ready, String reason, String datastore, String lastError, int lastApplyWrites,
                              String allocator, Vxlan vxlan) {
    /** At most this many of the skipped datastore contents are named; {@code problemCount} counts them all. */
    public static final int PROBLEMS_NAMED = 10;

    /**
     * @param vteps        remote VTEPs programmed (an ARP and an FDB entry each)
     * @param routes       routes programmed
     * @param blackholes   blackhole routes programmed
     * @param problemCount datastore contents skipped
     * @param problems     the first {@link #PROBLEMS_NAMED} of them, with why
     */
    public record Vxlan(String node, String state, String reason, VxlanStatus.Device device, int vteps, int routes,
                        int blackholes, int problemCount, List<String> problems) {
    }

    public static PublishedStatus of(StatusResource.Body body) {
        VxlanStatus v = body.vxlan();
        List<String> problems = v.problems().size() <= PROBLEMS_NAMED ? v.problems()
                : v.problems().subList(0, PROBLEMS_NAMED);
        return new PublishedStatus(body.ready(), body.reason(), body.datastore(), body.lastError(),
                body.lastApplyWrites(), body.allocator(), new Vxlan(v.node(), v.state(), v.reason(), v.device(),
                v.vteps().size(), v.routes().size(), v.blackholes().size(), v.problems().size(), problems));
    }
}
