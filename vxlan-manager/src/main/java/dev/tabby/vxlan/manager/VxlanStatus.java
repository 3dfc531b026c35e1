package dev.tabby.vxlan.manager;

import dev.tabby.vxlan.plan.DeviceSpec;
import dev.tabby.vxlan.plan.PlannedRoute;
import dev.tabby.vxlan.plan.Vtep;
import dev.tabby.vxlan.plan.VxlanPlan;
import java.util.List;

/**
 * What the manager programs, as of its last apply, in plain strings for {@code /v1/status}.
 *
 * @param node      the node this manager programs
 * @param state     DISABLED, INACTIVE, WAITING_FOR_NODE, WAITING_FOR_INTERFACE or ACTIVE (STARTING before the first
 *                  apply)
 * @param reason    the state in an operator's words
 * @param device    vxlan.calico as wanted, or null
 * @param vteps     remote VTEPs: one ARP and one FDB entry each
 * @param routes    routes of proto 81 in the main table
 * @param blackholes blackhole routes of proto 81 in the main table: this node's blocks in VXLAN pools
 * @param problems  datastore contents skipped, with why
 */
public record VxlanStatus(String node, String state, String reason, Device device, List<VtepEntry> vteps,
                          List<RouteEntry> routes, List<String> blackholes, List<String> problems) {

    public record Device(String name, int vni, int port, int mtu, String mac, String tunnelAddress, String parent,
                         String parentAddress) {
    }

    public record VtepEntry(String node, String tunnelAddress, String mac, String underlayAddress) {
    }

    public record RouteEntry(String destination, String node, String gateway, String device, boolean encapsulated) {
    }

    public static final String STARTING = "STARTING";

    public static VxlanStatus starting(String node) {
        return new VxlanStatus(node, STARTING, "no apply yet: waiting for the datastore to be in sync", null, List.of(),
                List.of(), List.of(), List.of());
    }

    public static VxlanStatus of(String node, VxlanPlan plan) {
        DeviceSpec d = plan.device();
        Device device = d == null ? null : new Device(DeviceSpec.NAME, d.vni(), d.port(), d.mtu(), d.mac().toString(),
                d.tunnelAddress().toString(), d.parent(), d.parentAddress().toString());
        List<VtepEntry> vteps = plan.vteps().stream().map(VxlanStatus::entry).toList();
        List<RouteEntry> routes = plan.routes().stream().map(VxlanStatus::entry).toList();
        List<String> blackholes = plan.blackholes().stream().map(Object::toString).toList();
        return new VxlanStatus(node, plan.state().name(), plan.reason(), device, vteps, routes, blackholes,
                plan.problems());
    }

    private static VtepEntry entry(Vtep v) {
        return new VtepEntry(v.node(), v.tunnelAddress().toString(), v.mac().toString(), v.underlayAddress().toString());
    }

    private static RouteEntry entry(PlannedRoute r) {
        return new RouteEntry(r.destination().toString(), r.node(), r.gateway().toString(), r.device(), r.encapsulated());
    }

    /** Whether the state lets the service call itself ready (given a successful apply). */
    public boolean settled() {
        return !state.equals(STARTING) && VxlanPlan.State.valueOf(state).settled();
    }
}
