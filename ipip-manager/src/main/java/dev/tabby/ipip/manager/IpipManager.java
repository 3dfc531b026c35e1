package dev.tabby.ipip.manager;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.LastApply;
import dev.tabby.dataplane.loop.KernelWatch;
import dev.tabby.dataplane.mtu.MtuFile;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteKernel;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.events.EventSink;
import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.ipip.plan.HostLink;
import dev.tabby.ipip.plan.IpipInputs;
import dev.tabby.ipip.plan.IpipNode;
import dev.tabby.ipip.plan.IpipPlan;
import dev.tabby.ipip.plan.IpipRoute;
import dev.tabby.ipip.plan.IpipSettings;
import dev.tabby.ipip.plan.RouteOwner;
import dev.tabby.ipip.plan.TunnelSpec;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The IP-in-IP manager of one node. {@link #onUpdate} records a datastore change (no I/O); {@link #apply} computes the
 * {@link IpipPlan}, makes tunl0 right and hands the routes and blackholes to the route driver (protocol 82, main
 * table), and publishes the workload MTU. Routes follow bgp-speaker's claim ({@link RouteOwner}): programmed while
 * nobody else holds them, owning every route on tunl0 whatever its protocol (a dead speaker's included) and replacing
 * a dead speaker's routes elsewhere in place; left exactly as they are while the speaker takes over; removed (ours
 * only, by protocol) once it has. A restarted manager finds its routes again by protocol and device.
 *
 * <p>Used from the apply loop's thread only, except {@link #status()}, {@link #programmed()} and {@link #affectedBy}.
 */
public final class IpipManager implements KernelWatch.Interest {
    private static final Logger LOG = Logger.getLogger(IpipManager.class);
    public static final String DEFAULT_FELIX_CONFIG = "default";

    private final String node;
    private final Netlink netlink;
    private final TunnelDevice device;
    private final RouteTable routes;
    private final MtuFile mtuFile;

    private final Map<String, IPPool> pools = new HashMap<>();
    private final Map<String, IpipNode> nodes = new HashMap<>();
    private final Map<String, FelixConfiguration> felixConfigs = new HashMap<>();
    private final Map<Cidr, RoutableBlock> blocks = new HashMap<>();
    private String claim;

    private volatile LastApply<IpipPlan, IpipStatus> status;
    private volatile Interest interest = Interest.NONE;
    private IpipPlan.State lastState;
    private RouteOwner lastOwner;
    private int deviceIndex;
    private volatile int lastApplyWrites;
    private final IpipEvents events;
    // The route driver re-reads the kernel on this apply: writes the plan does not explain are repairs.
    private boolean resyncing = true;
    private TunnelSpec lastSpec;

    /** @param mtuFile where the workload MTU is published (Felix's /var/lib/calico/mtu); null: nowhere */
    public IpipManager(String node, Netlink netlink, Path mtuFile) {
        this(node, netlink, mtuFile, EventSink.NONE);
    }

    /** @param events where routes added and removed and drift repaired are reported */
    public IpipManager(String node, Netlink netlink, Path mtuFile, EventSink events) {
        this.events = new IpipEvents(events);
        this.node = node;
        this.netlink = netlink;
        this.device = new TunnelDevice(netlink);
        this.routes = new RouteTable(RouteKernel.of(netlink), Route.MAIN_TABLE, RouteProtocol.IPIP, IpFamilies.IPV4);
        // A speaker that died holding the claim leaves proto 83 routes (its blackholes, direct routes): ours replace them.
        this.routes.adoptRoutesOf(RouteProtocol.BGP);
        this.mtuFile = mtuFile == null ? null : new MtuFile(mtuFile);
        this.status = LastApply.none(IpipStatus.starting(node));
    }

    public String node() {
        return node;
    }

    /** Records one change; cheap, no kernel I/O. */
    public void onUpdate(IpipUpdate update) {
        if (update instanceof IpipUpdate.PoolChanged p) {
            put(pools, p.name(), p.pool());
        } else if (update instanceof IpipUpdate.NodeChanged n) {
            put(nodes, n.name(), n.node());
        } else if (update instanceof IpipUpdate.FelixConfigChanged f) {
            put(felixConfigs, f.name(), f.config());
        } else if (update instanceof IpipUpdate.BlockChanged b) {
            put(blocks, b.block().network(), b.routable());
        } else if (update instanceof IpipUpdate.ClaimChanged c && c.node().equals(node)) {
            claim = c.claim();
        }
    }

    private static <K, V> void put(Map<K, V> map, K key, V value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** The route driver re-reads the kernel on the next apply: the periodic resync that repairs drift. */
    public void queueResync() {
        resyncing = true;
        routes.queueResync();
    }

    /** Pure: the plan from what has been recorded and the given host interfaces. */
    public IpipPlan plan(List<HostLink> hostLinks) {
        return IpipPlan.compute(new IpipInputs(node, pools.values(), nodes, settings(), blocks, claim, hostLinks));
    }

    private IpipSettings settings() {
        return IpipSettings.merge(felixConfigs.get(DEFAULT_FELIX_CONFIG), felixConfigs.get("node." + node));
    }

    /**
     * What of the host the last apply depended on, so that only kernel events about it trigger a repair.
     *
     * @param deviceIndex  tunl0's ifindex as last seen, 0 when none
     * @param nodeAddress  the Node's {@code bgp.ipv4Address}, or null
     * @param mtuPattern   {@code mtuIfacePattern}
     */
    record Interest(int deviceIndex, IpAddress nodeAddress, Pattern mtuPattern) {
        static final Interest NONE = new Interest(0, null, Pattern.compile(IpipSettings.DEFAULT_MTU_IFACE_PATTERN));
    }

    /** Whether a change to this link may need a repair: tunl0, or an interface the host MTU counts. */
    @Override
    public boolean affectedBy(Link link) {
        String name = link.name();
        if (name.startsWith("cali")) {
            return false; // workload churn, the CNI's: never ours, and often
        }
        Interest i = interest;
        return name.equals(TunnelSpec.NAME) || link.index() == i.deviceIndex() || i.mtuPattern().matcher(name).find();
    }

    /** Whether an IPv4 address change may need a repair: on tunl0, or the node's address coming or going. */
    @Override
    public boolean affectedBy(Addr addr) {
        Interest i = interest;
        return addr.linkIndex() == i.deviceIndex() || addr.address().address().equals(i.nodeAddress());
    }

    /** Every kernel write happens here. */
    public ApplyResult apply() {
        List<HostLink> hostLinks;
        try {
            hostLinks = hostLinks();
        } catch (NetlinkException e) {
            return ApplyResult.failed(TunnelDevice.DRIVER, "interface dump", e.getMessage());
        }
        IpipPlan plan = plan(hostLinks);
        if (plan.state() != lastState || plan.owner() != lastOwner) {
            LOG.infof("event=ipip_state node=%s state=%s route_owner=%s reason=\"%s\"", node, plan.state(),
                    plan.owner(), plan.reason());
            if (plan.owner() != lastOwner) {
                routes.queueResync(); // the other owner has been writing: look again before judging
            }
            lastState = plan.state();
            lastOwner = plan.owner();
        }
        ApplyResult result = switch (plan.state()) {
            case INACTIVE, DISABLED -> tearDown();
            case WAITING_FOR_NODE -> ApplyResult.NOTHING; // a datastore change ends the wait
            case ACTIVE -> program(plan);
        };
        IpipNode me = nodes.get(node);
        interest = new Interest(deviceIndex, me == null ? null : me.underlayAddress(), settings().compiledPattern());
        lastApplyWrites = result.writes();
        // Published only now that the kernel holds the plan (or failed to): readiness reads it, and a plan published
        // before program() made a fresh node ready while tunl0's routes were still being written.
        status = LastApply.of(plan, result.ok(), p -> IpipStatus.of(node, p));
        if (result.ok()) {
            resyncing = false;
        }
        return result;
    }

    /** Kernel writes of the last apply: 0 once converged. */
    public int lastApplyWrites() {
        return lastApplyWrites;
    }

    private ApplyResult program(IpipPlan plan) {
        TunnelDevice.Outcome dev = device.ensure(plan.device());
        int deviceRepairs = plan.device().equals(lastSpec) ? dev.result().writes() : 0;
        lastSpec = plan.device();
        deviceIndex = dev.index();
        if (dev.index() == 0) {
            return dev.result();
        }
        ApplyResult routed = switch (plan.owner()) {
            case HANDING_OVER -> {
                routes.ownAllRoutesOnLink(0); // bgp-speaker's routes are on tunl0 now too
                events.applied(List.of(), List.of(), false, 0, deviceRepairs, false);
                yield ApplyResult.NOTHING;
            }
            case BGP_SPEAKER -> {
                routes.ownAllRoutesOnLink(0);
                routes.replaceAllRoutes(List.of()); // ours only (proto 82): what the speaker did not replace
                ApplyResult done = routes.apply();
                events.applied(List.of(), List.of(), done.ok(), done.writes(), deviceRepairs, false);
                yield done;
            }
            case IPIP_MANAGER -> {
                List<Route> wanted = new ArrayList<>(plan.routes().size() + plan.blackholes().size());
                for (IpipRoute r : plan.routes()) {
                    wanted.add(r.encapsulated()
                            ? Route.via(r.destination(), r.gateway(), dev.index(), RouteProtocol.IPIP).withOnlink(true)
                            : Route.via(r.destination(), r.gateway(), r.linkIndex(), RouteProtocol.IPIP));
                }
                for (Cidr own : plan.blackholes()) {
                    wanted.add(Route.blackhole(own, RouteProtocol.IPIP));
                }
                routes.ownAllRoutesOnLink(dev.index());
                routes.replaceAllRoutes(wanted);
                ApplyResult done = routes.apply();
                events.applied(plan.routes(), plan.blackholes(), done.ok(), done.writes(), deviceRepairs, resyncing);
                yield done;
            }
        };
        return ApplyResult.merge(dev.result(), routed, publishMtu(plan.podMtu()));
    }

    private ApplyResult publishMtu(int mtu) {
        try {
            if (mtuFile != null) {
                mtuFile.publish(mtu);
            }
            return ApplyResult.NOTHING;
        } catch (IOException | RuntimeException e) {
            return ApplyResult.failed("mtu file", mtuFile.path().toString(), "cannot write MTU " + mtu + ": " + e);
        }
    }

    /**
     * IP-in-IP off: our routes (proto 82) go, and tunl0 is left down with no address. Routes of other protocols on
     * tunl0 are not ours to remove once we no longer run the device (a speaker's would be its own).
     */
    private ApplyResult tearDown() {
        routes.ownAllRoutesOnLink(0);
        routes.replaceAllRoutes(List.of());
        ApplyResult routed = routes.apply();
        events.applied(List.of(), List.of(), routed.ok(), routed.writes(), 0, false);
        lastSpec = null;
        TunnelDevice.Outcome quiesced = device.quiesce();
        deviceIndex = quiesced.index(); // still watched: an operator bringing tunl0 up again is put down again
        return ApplyResult.merge(routed, quiesced.result());
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

    /** As of the last finished apply; safe from any thread. */
    public IpipStatus status() {
        return status.status();
    }

    /**
     * Whether the last apply finished, wrote everything, and left a settled plan (active, or inactive or disabled on
     * purpose): the kernel holds what the datastore, as recorded before that apply, asks for. Safe from any thread.
     */
    public boolean programmed() {
        // From the plan's state, not the status strings: readiness is asked every few seconds, and needs no strings.
        return status.programmed(p -> p.state().settled());
    }
}
