/**
 * The reconcile toolkit every node-local service uses (after Felix's dataplane/linux).
 *
 * <p>A service has a manager that translates datastore updates into desired kernel state, and drivers that converge
 * the kernel to it. The manager's {@code onUpdate} only records; every kernel write happens in {@code apply()} on
 * the {@link dev.tabby.dataplane.loop.ApplyLoop}'s thread:
 *
 * <pre>{@code
 * try (Netlink netlink = Netlink.open()) {
 *     RouteTable routes = new RouteTable(RouteKernel.of(netlink), Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.IPV4);
 *     NeighTable arp = new NeighTable(NeighKernel.of(netlink), "vxlan.calico");
 *     FdbTable fdb = new FdbTable(FdbKernel.of(netlink), "vxlan.calico");
 *     DriverGroup drivers = new DriverGroup(fdb, arp, routes);
 *     VxlanManager manager = new VxlanManager(routes, arp, fdb);   // translates; owns no kernel calls
 *     ApplyLoop loop = new ApplyLoop(LoopSettings.defaults("vxlan-manager"), drivers::apply, drivers::queueResync)
 *             .start();
 *     syncer.onUpdate(u -> loop.onUpdate(() -> manager.onUpdate(u)));
 *     syncer.onInSync(loop::markInSync);                     // no kernel write before this
 *     // readiness: loop.status().ready(), loop.status().reason(); metrics: loop.counters()
 * }
 * }</pre>
 *
 * <p>Ownership (architecture.md): a driver touches only its own objects, found again after a restart by what marks
 * them: a route protocol number and table, a device. Each driver starts with a resync queued, so its first apply
 * adopts what a previous run left and removes what is no longer desired.
 */
package dev.tabby.dataplane;
