package dev.tabby.renderer.agent;

import dev.tabby.netlink.AddrEvent;
import dev.tabby.netlink.EventGroup;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkEvent;
import dev.tabby.netlink.LinkSubscription;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The node's interfaces as Felix's interface monitor follows them (ifacemonitor/iface_monitor.go), through rtnetlink
 * link and address events: which exist, which are operationally up (linkIsOperUp: IFF_RUNNING, which the kernel sets
 * while the operational state is UP or UNKNOWN), and their addresses (endpoint_mgr.go hostIfaceToAddrs, for host
 * endpoints bound by {@code expectedIPs}). Each time an interface comes up it gets a new number, so the agent can
 * tell "up again" from "still up" and configure it anew, as Felix marks a workload interface that came up for
 * reconfiguration. A change of a watched interface, or of any address while addresses are watched, wakes the apply
 * loop; lost events mean a full re-read.
 */
final class LinkWatch implements NetlinkListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkWatch.class);

    private final String node;
    private final Netlink netlink;
    private final Runnable onChange;
    /** Interface name -> the number it got when it last came up; absent while it is down or gone. */
    private final Map<String, Long> upSince = new HashMap<>();
    /** Every interface that exists, up or not, by index (addresses name their interface by index). */
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Set<String>> addresses = new HashMap<>();
    private long ups;
    private volatile Set<String> watched = Set.of();
    private volatile boolean watchAddresses;
    private LinkSubscription subscription;

    LinkWatch(String node, Netlink netlink, Runnable onChange) {
        this.node = node;
        this.netlink = netlink;
        this.onChange = onChange;
    }

    /** Subscribes first, then lists, so no change falls between the two. */
    LinkWatch start() {
        subscription = netlink.subscribe(Set.of(EventGroup.LINK, EventGroup.IPV4_ADDRESS, EventGroup.IPV6_ADDRESS), this);
        relist();
        return this;
    }

    /**
     * What wakes the loop: changes of these interfaces (the local endpoints'), and with {@code addresses} any address
     * change (a host endpoint is bound by address). Set before taking a {@link #snapshot()}.
     */
    void watch(Set<String> interfaces, boolean addresses) {
        watched = Set.copyOf(interfaces);
        watchAddresses = addresses;
    }

    /**
     * @param upSince   interface name -> the number of its last coming up, for interfaces up now
     * @param present   every interface that exists
     * @param addresses interface name -> its addresses (canonical text), for interfaces that have any
     */
    record Snapshot(Map<String, Long> upSince, Set<String> present, Map<String, Set<String>> addresses) {
    }

    synchronized Snapshot snapshot() {
        Map<String, Set<String>> byName = new TreeMap<>();
        addresses.forEach((index, addrs) -> {
            String name = names.get(index);
            if (name != null && !addrs.isEmpty()) {
                byName.put(name, Set.copyOf(addrs));
            }
        });
        return new Snapshot(Map.copyOf(upSince), Set.copyOf(names.values()), byName);
    }

    /** Reads every link and address again (after lost events, and at each kernel resync as Felix's monitor resyncs). */
    void relist() {
        List<Link> links = netlink.linkList();
        List<dev.tabby.netlink.Addr> addrs = netlink.addrList(0, 0);
        boolean changed;
        synchronized (this) {
            Snapshot before = snapshot();
            upSince.clear();
            names.clear();
            addresses.clear();
            for (Link l : links) {
                names.put(l.index(), l.name());
                if (operUp(l)) {
                    Long was = before.upSince().get(l.name());
                    upSince.put(l.name(), was != null ? was : ++ups);
                }
            }
            addrs.forEach(a -> addresses.computeIfAbsent(a.linkIndex(), k -> new HashSet<>()).add(a.address().address().toString()));
            Snapshot after = snapshot();
            changed = watchAddresses && !before.addresses().equals(after.addresses());
            for (String w : watched) {
                changed |= !Objects.equals(before.upSince().get(w), after.upSince().get(w))
                        || before.present().contains(w) != after.present().contains(w);
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    static boolean operUp(Link l) {
        String state = l.attrs().operState();
        return l.attrs().up() && ("UP".equals(state) || "UNKNOWN".equals(state));
    }

    @Override
    public void onLink(LinkEvent e) {
        String name = e.link().name();
        boolean changed;
        synchronized (this) {
            boolean exists = e.type() == LinkEvent.Type.NEW;
            String old = exists ? names.put(e.link().index(), name) : names.remove(e.link().index());
            boolean existed = old != null;
            if (!exists) {
                addresses.remove(e.link().index());
            }
            boolean up = exists && operUp(e.link());
            boolean wasUp = upSince.containsKey(name);
            changed = up != wasUp || exists != existed;
            if (up && !wasUp) {
                upSince.put(name, ++ups);
            } else if (!up) {
                upSince.remove(name);
            }
        }
        if (changed && watched.contains(name)) {
            LOG.debugf("event=endpoint_link_changed node=%s interface=%s", node, name);
            onChange.run();
        }
    }

    @Override
    public void onAddress(AddrEvent e) {
        String text = e.addr().address().address().toString();
        boolean changed;
        synchronized (this) {
            Set<String> on = addresses.computeIfAbsent(e.addr().linkIndex(), k -> new HashSet<>());
            changed = e.type() == AddrEvent.Type.NEW ? on.add(text) : on.remove(text);
        }
        if (changed && watchAddresses) {
            LOG.debugf("event=host_address_changed node=%s address=%s", node, text);
            onChange.run();
        }
    }

    @Override
    public void onEventsLost() {
        LOG.infof("event=link_events_lost node=%s action=relist", node);
        try {
            relist();
        } catch (RuntimeException ex) {
            LOG.warnf("event=link_relist_failed node=%s problem=\"%s\" action=retry_at_next_resync", node, ex.getMessage());
        }
        onChange.run();
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        netlink.close();
    }
}
