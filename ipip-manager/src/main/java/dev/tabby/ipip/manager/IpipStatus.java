package dev.tabby.ipip.manager;

import dev.tabby.ipip.plan.IpipPlan;
import dev.tabby.ipip.plan.IpipRoute;
import dev.tabby.ipip.plan.TunnelSpec;
import java.util.List;

/**
 * What the manager programs, as of its last finished apply, in plain strings for {@code /v1/status}; built only when
 * asked ({@link IpipManager#status()}).
 *
 * @param node        the node this manager programs
 * @param state       DISABLED, INACTIVE, WAITING_FOR_NODE or ACTIVE (STARTING before the first apply)
 * @param reason      the state in an operator's words
 * @param device      tunl0 as wanted, or null
 * @param routeOwner  IPIP_MANAGER, HANDING_OVER or BGP_SPEAKER: who programs the routes
 * @param routes      routes of proto 82 in the main table
 * @param blackholes  blackholes of proto 82: this node's blocks in IP-in-IP pools
 * @param podMtu      the workload MTU published for the CNI (0 when not active)
 * @param problems    datastore contents skipped, with why
 */
public record IpipStatus(String node, String state, String reason, Device device, String routeOwner,
                         List<RouteEntry> routes, List<String> blackholes, int podMtu, List<String> problems) {

    public record Device(String name, int mtu, String tunnelAddress) {
    }

    public record RouteEntry(String destination, String node, String gateway, String device, boolean encapsulated) {
    }

    public static final String STARTING = "STARTING";

    public static IpipStatus starting(String node) {
        return new IpipStatus(node, STARTING, "no apply yet: waiting for the datastore to be in sync", null, null,
                List.of(), List.of(), 0, List.of());
    }

    public static IpipStatus of(String node, IpipPlan plan) {
        TunnelSpec d = plan.device();
        Device device = d == null ? null : new Device(TunnelSpec.NAME, d.mtu(), d.tunnelAddress().toString());
        List<RouteEntry> routes = plan.routes().stream().map(IpipStatus::entry).toList();
        return new IpipStatus(node, plan.state().name(), plan.reason(), device, plan.owner().name(), routes,
                plan.blackholes().stream().map(Object::toString).toList(), plan.podMtu(), plan.problems());
    }

    private static RouteEntry entry(IpipRoute r) {
        return new RouteEntry(r.destination().toString(), r.node(), r.gateway().toString(), r.device(), r.encapsulated());
    }

    /** Whether the state lets the service call itself ready (given a successful apply). */
    public boolean settled() {
        return !state.equals(STARTING) && IpipPlan.State.valueOf(state).settled();
    }
}
