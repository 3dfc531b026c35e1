package dev.tabby.renderer.agent;

import dev.tabby.netlink.EventGroup;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkEvent;
import dev.tabby.netlink.LinkSubscription;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which interfaces of the node are operationally up, followed through rtnetlink link events as Felix's interface
 * monitor does (ifacemonitor/iface_monitor.go linkIsOperUp: IFF_RUNNING, which the kernel sets while the operational
 * state is UP or UNKNOWN). Each time an interface comes up it gets a new number, so the agent can tell "up again" from
 * "still up" and configure it anew, as Felix marks a workload interface that came up for reconfiguration. A change
 * of a watched interface (a local workload's) wakes the apply loop; lost events mean a full re-read.
 */
final class LinkWatch implements NetlinkListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LinkWatch.class);

    private final String node;
    private final Netlink netlink;
    private final Runnable onChange;
    /** Interface name -> the number it got when it last came up; absent while it is down or gone. */
    private final Map<String, Long> upSince = new HashMap<>();
    /** Every interface that exists, up or not. */
    private final Set<String> present = new java.util.HashSet<>();
    private long ups;
    private volatile Set<String> watched = Set.of();
    private LinkSubscription subscription;

    LinkWatch(String node, Netlink netlink, Runnable onChange) {
        this.node = node;
        this.netlink = netlink;
        this.onChange = onChange;
    }

    /** Subscribes first, then lists, so no change falls between the two. */
    LinkWatch start() {
        subscription = netlink.subscribe(Set.of(EventGroup.LINK), this);
        relist();
        return this;
    }

    /** The interfaces whose changes wake the loop (the local endpoints'). Set before taking a {@link #snapshot()}. */
    void watch(Set<String> interfaces) {
        watched = Set.copyOf(interfaces);
    }

    /**
     * @param upSince interface name -> the number of its last coming up, for interfaces up now
     * @param present every interface that exists
     */
    record Snapshot(Map<String, Long> upSince, Set<String> present) {
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(Map.copyOf(upSince), Set.copyOf(present));
    }

    /** Reads every link again (after lost events, and at each kernel resync as Felix's monitor resyncs). */
    void relist() {
        List<Link> links = netlink.linkList();
        boolean changed = false;
        synchronized (this) {
            Map<String, Long> before = new HashMap<>(upSince);
            Set<String> presentBefore = Set.copyOf(present);
            upSince.clear();
            present.clear();
            for (Link l : links) {
                present.add(l.name());
                if (operUp(l)) {
                    Long was = before.get(l.name());
                    upSince.put(l.name(), was != null ? was : ++ups);
                }
            }
            for (String w : watched) {
                changed |= !java.util.Objects.equals(before.get(w), upSince.get(w))
                        || presentBefore.contains(w) != present.contains(w);
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
            boolean existed = exists ? !present.add(name) : present.remove(name);
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
            LOG.debugf("event=workload_link_changed node=%s interface=%s", node, name);
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
