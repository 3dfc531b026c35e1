package dev.tabby.ipip.rest;

import dev.tabby.ipip.manager.IpipStatus;
import java.util.List;

/**
 * What a node publishes under {@code /tabby/status/<node>/ipip-manager}: {@code /v1/status} with its per-node lists
 * counted. Every node publishes one, so a list of every remote route in each would grow etcd with the square of the
 * cluster (~0.6 MB per node at 5,000 nodes), rewritten on every node change anywhere. Felix publishes no more than a
 * summary either (felix/statusrep: {@code /calico/felix/v1/host/<host>/status} holds times only). The lists stay on
 * the node's {@code GET /v1/status}.
 *
 * @param ready            in sync, applied, settled
 * @param reason           why not ready, or "ready"
 * @param datastore        the syncer's status
 * @param lastError        the last failed apply's failures, or null
 * @param lastApplyWrites  kernel writes of the last apply
 * @param allocator        what the tunnel address allocator last did (null when it is off)
 * @param ipip             what is programmed, counted
 */
public record PublishedStatus(boolean ready, String reason, String datastore, String lastError, int lastApplyWrites,
                              String allocator, Ipip ipip) {
    /** At most this many of the skipped datastore contents are named; {@code problemCount} counts them all. */
    public static final int PROBLEMS_NAMED = 10;

    /**
     * @param routeOwner   IPIP_MANAGER, HANDING_OVER or BGP_SPEAKER: who programs the routes
     * @param routes       routes programmed
     * @param blackholes   blackhole routes programmed
     * @param podMtu       the workload MTU published for the CNI (0 when not active)
     * @param problemCount datastore contents skipped
     * @param problems     the first {@link #PROBLEMS_NAMED} of them, with why
     */
    public record Ipip(String node, String state, String reason, IpipStatus.Device device, String routeOwner,
                       int routes, int blackholes, int podMtu, int problemCount, List<String> problems) {
    }

    public static PublishedStatus of(StatusResource.Body body) {
        IpipStatus s = body.ipip();
        List<String> problems = s.problems().size() <= PROBLEMS_NAMED ? s.problems()
                : s.problems().subList(0, PROBLEMS_NAMED);
        return new PublishedStatus(body.ready(), body.reason(), body.datastore(), body.lastError(),
                body.lastApplyWrites(), body.allocator(), new Ipip(s.node(), s.state(), s.reason(), s.device(),
                s.routeOwner(), s.routes().size(), s.blackholes().size(), s.podMtu(), s.problems().size(), problems));
    }
}
