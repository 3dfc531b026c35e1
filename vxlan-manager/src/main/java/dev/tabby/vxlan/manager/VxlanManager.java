package dev.tabby.vxlan.manager;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.LastApply;
import dev.tabby.dataplane.loop.KernelWatch;
import dev.tabby.dataplane.mtu.MtuFile;
import dev.tabby.dataplane.fdb.FdbKernel;
import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.neigh.NeighKernel;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.events.EventSink;
import dev.tabby.ipam.routes.PoolRoutes;
import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.vxlan.plan.DeviceSpec;
import dev.tabby.vxlan.plan.FelixSettings;
import dev.tabby.vxlan.plan.HostLink;
import dev.tabby.vxlan.plan.NodeFacts;
import dev.tabby.vxlan.plan.VxlanInputs;
import dev.tabby.vxlan.plan.VxlanPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The VXLAN manager of one node. {@link #onUpdate} records a datastore change (no I/O); {@link #apply} computes the
 * {@link VxlanPlan} from everything recorded and the host's interfaces, makes vxlan.calico right, and hands the
 * wanted FDB entries, ARP entries, routes and blackholes to the drivers, which converge the kernel, and publishes the
 * workload MTU in a file. Everything of ours is found again after a restart: the device by name, its permanent entries
 * by device, the routes by protocol 81 in the main table and every route on vxlan.calico whatever its protocol (as
 * Felix owns that device's routes: a host migrated from Calico has proto 3 routes there); the drivers start with a
 * resync, so the first apply adopts what is right and removes what is not.
 *
 * <p>Used from the apply loop's thread only, except {@link #status()}.
 */
public final class VxlanManager implements KernelWatch.Interest {
    private static final Logger LOG = Logger.getLogger(VxlanManager.class);
    public static final String DEFAULT_FELIX_CONFIG = "default";

    private final String node;
    private final Netlink netlink;
    private final VxlanDevice device;
    private final FdbTable fdb;
    private final NeighTable arp;
    private final RouteTable routes;
    private final MtuFile mtuFile;
    private final DriverFeed feed;

    private final Map<String, IPPool> pools = new HashMap<>();
    // Sorted by name: the plan visits nodes in name order (who keeps a contested tunnel address), and need not sort.
    private final Map<String, NodeFacts> nodes = new TreeMap<>();
    private final Map<String, FelixConfiguration> felixConfigs = new HashMap<>();
    // In address order: PoolRoutes then walks them as they are rather than sorting 5,000 blocks on every change.
    private final Map<Cidr, RoutableBlock> blocks = new TreeMap<>(DriverFeed.BY_ADDRESS);

    private volatile LastApply<VxlanPlan, VxlanStatus> status;
    private volatile Interest interest = Interest.NONE;
    private int deviceIndex;
    private VxlanPlan.State lastState;
    private volatile int lastApplyWrites;
    private List<HostLink> lastHostLinks = List.of();
    private final VxlanEvents events;
    // The drivers re-read the kernel on this apply: writes the plan does not explain are repairs.
    private boolean resyncing = true;
    private DeviceSpec lastSpec;

    /** @param mtuFile where the workload MTU is published (Felix's /var/lib/calico/mtu); null: nowhere */
    public VxlanManager(String node, Netlink netlink, Path mtuFile) {
        this(node, netlink, mtuFile, EventSink.NONE);
    }

    /** @param events where routes and VTEPs added and removed, drift repaired and the device recreated are reported */
    public VxlanManager(String node, Netlink netlink, Path mtuFile, EventSink events) {
        this.events = new VxlanEvents(events);
        this.node = node;
        this.netlink = netlink;
        this.device = new VxlanDevice(netlink);
        this.fdb = new FdbTable(FdbKernel.of(netlink), DeviceSpec.NAME);
        this.arp = new NeighTable(NeighKernel.of(netlink), DeviceSpec.NAME);
        this.routes = new RouteTable(RouteKernel.of(netlink), Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.IPV4);
        this.mtuFile = mtuFile == null ? null : new MtuFile(mtuFile);
        this.feed = new DriverFeed(fdb, arp, routes);
        this.status = LastApply.none(VxlanStatus.starting(node));
    }

    public String node() {
        return node;
    }

    /** Records one change; cheap, no kernel I/O. */
    public void onUpdate(VxlanUpdate update) {
        // Java 17 has no pattern switch; the sealed interface keeps this chain complete.
        if (update instanceof VxlanUpdate.PoolChanged p) {
            put(pools, p.name(), p.pool());
        } else if (update instanceof VxlanUpdate.NodeChanged n) {
            put(nodes, n.name(), n.node());
        } else if (update instanceof VxlanUpdate.FelixConfigChanged f) {
            put(felixConfigs, f.name(), f.config());
        } else if (update instanceof VxlanUpdate.BlockChanged b) {
            put(blocks, b.block().network(), b.routable());
        }
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** The drivers re-read the kernel on the next apply: the periodic resync that repairs drift. */
    public void queueResync() {
        resyncing = true;
        // The drivers get the whole plan again, so drift repair compares everything, not only the latest changes.
        feed.handOverAllNext();
        fdb.queueResync();
        arp.queueResync();
        routes.queueResync();
    }

    /** Pure: the plan from what has been recorded and the given host interfaces. */
    public VxlanPlan plan(List<HostLink> hostLinks) {
        return VxlanPlan.compute(new VxlanInputs(node, pools.values(), nodes, felix(), blocks, hostLinks));
    }

    private FelixSettings felix() {
        return FelixSettings.merge(felixConfigs.get(DEFAULT_FELIX_CONFIG), felixConfigs.get("node." + node));
    }

    /**
     * What of the host the last apply depended on, so that kernel events about it (and only those) trigger a repair:
     * vxlan.calico, its parent, an interface gaining or losing the node's address, an interface that counts for the
     * host MTU. Safe from any thread (the event thread asks).
     *
     * @param parentIndex  the parent's ifindex, 0 when none
     * @param deviceIndex  vxlan.calico's ifindex as last seen, 0 when none
     * @param nodeAddress  the Node's {@code bgp.ipv4Address}, or null
     * @param mtuPattern   {@code mtuIfacePattern}
     */
    record Interest(int parentIndex, int deviceIndex, IpAddress nodeAddress, Pattern mtuPattern) {
        static final Interest NONE = new Interest(0, 0, null, Pattern.compile(FelixSettings.DEFAULT_MTU_IFACE_PATTERN));
    }

    /** Whether a change to this link may need a repair: vxlan.calico, the parent, or an interface the MTU counts. */
    @Override
    public boolean affectedBy(Link link) {
        String name = link.name();
        if (name.startsWith("cali")) {
            return false; // workload churn, the CNI's: never ours, and often
        }
        Interest i = interest;
        return name.equals(DeviceSpec.NAME) || link.index() == i.parentIndex() || link.index() == i.deviceIndex()
                || i.mtuPattern().matcher(name).find();
    }

    /** Whether an IPv4 address change may need a repair: on vxlan.calico or its parent, or the node's address. */
    @Override
    public boolean affectedBy(Addr addr) {
        Interest i = interest;
        return addr.linkIndex() == i.parentIndex() || addr.linkIndex() == i.deviceIndex()
                || addr.address().address().equals(i.nodeAddress());
    }

    /** Every kernel write happens here. */
    public ApplyResult apply() {
        List<HostLink> hostLinks;
        try {
            hostLinks = hostLinks();
        } catch (NetlinkException e) {
            return ApplyResult.failed(VxlanDevice.DRIVER, "interface dump", e.getMessage());
        }
        VxlanPlan plan = plan(hostLinks);
        lastHostLinks = hostLinks;
        if (plan.state() != lastState) {
            LOG.infof("event=vxlan_state node=%s state=%s reason=\"%s\"", node, plan.state(), plan.reason());
            lastState = plan.state();
        }
        ApplyResult result = switch (plan.state()) {
            case INACTIVE, DISABLED -> tearDown();
            case WAITING_FOR_NODE -> ApplyResult.NOTHING; // a datastore change ends the wait, and marks us dirty
            // Not a failure to retry with backoff: an address or link event (KernelWatch) ends the wait at once, and
            // the periodic resync backs that up.
            case WAITING_FOR_INTERFACE -> ApplyResult.NOTHING;
            case ACTIVE -> program(plan);
        };
        NodeFacts me = nodes.get(node);
        interest = new Interest(plan.device() == null ? 0 : plan.device().parentIndex(), deviceIndex,
                me == null ? null : me.underlayAddress(), felix().compiledPattern());
        lastApplyWrites = result.writes();
        // Published only now that the kernel holds the plan (or failed to): readiness reads it, and a plan published
        // before its writes made a fresh node ready while its entries were still being written.
        status = LastApply.of(plan, result.ok(), p -> VxlanStatus.of(node, p));
        if (result.ok()) {
            resyncing = false;
        }
        return result;
    }

    /** Kernel writes of the last apply: 0 once converged, whatever resyncs find. */
    public int lastApplyWrites() {
        return lastApplyWrites;
    }

    private ApplyResult program(VxlanPlan plan) {
        DeviceSpec spec = plan.device();
        int indexBefore = deviceIndex;
        VxlanDevice.Outcome dev = device.ensure(spec);
        if (dev.recreated()) {
            // The kernel dropped the old device's entries and routes with it; the drivers must look again.
            queueResync();
            if (dev.mismatch() != null || indexBefore != 0) {
                events.deviceRecreated(dev.mismatch() != null ? dev.mismatch() : "it was deleted");
            }
        }
        int deviceRepairs = !dev.recreated() && spec.equals(lastSpec) ? dev.result().writes() : 0;
        lastSpec = spec;
        deviceIndex = dev.index();
        if (dev.index() == 0) {
            return dev.result();
        }
        feed.handOver(plan, dev.index());
        // Felix's VXLAN route table owns ^vxlan.calico$ with removeExternalRoutes (int_dataplane.go): so do we.
        routes.ownAllRoutesOnLink(dev.index());
        // FDB and ARP before the routes that use them, so a new route never sends into a missing entry.
        ApplyResult fdbDone = fdb.apply();
        ApplyResult arpDone = arp.apply();
        ApplyResult routesDone = routes.apply();
        // A recreated device's writes are all explained (everything is written again), so no drift is reported.
        events.applied(plan.vteps(), plan.routes(), plan.blackholes(), fdbDone.ok() && arpDone.ok(),
                fdbDone.writes() + arpDone.writes(), routesDone.ok(), routesDone.writes(), deviceRepairs,
                resyncing && !dev.recreated());
        return ApplyResult.merge(dev.result(), fdbDone, arpDone, routesDone,
                publishMtu(felix().podMtu(lastHostLinks, pools.values().stream().anyMatch(VxlanManager::usesIpip))));
    }

    /** An IPv4 pool with ipipMode Always or CrossSubnet (its MTU counts for the workloads' too). */
    private static boolean usesIpip(IPPool pool) {
        return pool.spec() != null && ("Always".equals(pool.spec().ipipMode()) || "CrossSubnet".equals(pool.spec().ipipMode()))
                && PoolRoutes.poolCidr(pool).map(Cidr::isV4).orElse(false);
    }

    /**
     * Publishes the workload MTU for the CNI plugin. Only while VXLAN is active: when it is not, the file is left as it
     * is (Felix would write the host MTU there), because another overlay (IP-in-IP) may be what the pods need a
     * smaller MTU for, and a stale smaller MTU only costs a little throughput while a too-large one drops packets.
     */
    private ApplyResult publishMtu(int mtu) {
        try {
            if (mtuFile != null) {
                mtuFile.publish(mtu); // a file, not a kernel write: not counted in the apply's writes
            }
            return ApplyResult.NOTHING;
        } catch (IOException | RuntimeException e) {
            return ApplyResult.failed("mtu file", mtuFile.path().toString(), "cannot write MTU " + mtu + ": " + e);
        }
    }

    private ApplyResult tearDown() {
        routes.replaceAllRoutes(List.of());
        ApplyResult routed = routes.apply();
        ApplyResult removed = device.remove();
        routes.ownAllRoutesOnLink(0);
        deviceIndex = 0;
        // The entries went with the device; the drivers look again should it come back.
        fdb.replaceAllEntries(Map.of());
        arp.replaceAllNeighbours(Map.of());
        feed.forget();
        fdb.queueResync();
        arp.queueResync();
        lastSpec = null;
        events.tornDown(routed.ok());
        return ApplyResult.merge(routed, removed);
    }

    private List<HostLink> hostLinks() {
        Map<Integer, List<IpAddress>> byLink = new HashMap<>();
        for (Addr a : netlink.addrList(0, Family.INET)) {
            byLink.computeIfAbsent(a.linkIndex(), i -> new ArrayList<>()).add(a.address().address());
        }
        List<HostLink> out = new ArrayList<>();
        for (Link l : netlink.linkList()) {
            out.add(new HostLink(l.index(), l.name(), l.attrs().mtu(), byLink.getOrDefault(l.index(), List.of())));
        }
        return out;
    }

    /** As of the last apply; safe from any thread. */
    public VxlanStatus status() {
        return status.status();
    }

    /**
     * Whether the last apply finished, wrote everything, and left a settled plan (active, or inactive or disabled on
     * purpose): the kernel holds what the datastore, as recorded before that apply, asks for. Safe from any thread.
     */
    public boolean programmed() {
        // From the plan's state, not the status strings: readiness is asked every second, plans change more often.
        return status.programmed(p -> p.state().settled());
    }
}
