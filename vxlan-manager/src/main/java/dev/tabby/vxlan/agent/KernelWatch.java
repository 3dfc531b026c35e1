package dev.tabby.vxlan.agent;

import dev.tabby.dataplane.loop.ApplyLoop;
import dev.tabby.netlink.AddrEvent;
import dev.tabby.netlink.EventGroup;
import dev.tabby.netlink.LinkEvent;
import dev.tabby.netlink.LinkSubscription;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.NetlinkListener;
import dev.tabby.vxlan.manager.VxlanManager;
import java.util.EnumSet;
import org.jboss.logging.Logger;

/**
 * Repairs on kernel events rather than at the next resync: link and IPv4 address events of the agent's own namespace
 * that touch what the manager depends on (vxlan.calico changed or deleted by hand, its parent's link or address
 * changed, an interface gaining the node's address) make the apply loop re-read the kernel and apply at once. Felix
 * polls the device every 10 s (vxlan_mgr.go KeepVXLANDeviceInSync); an event is here within milliseconds. Workload
 * (cali*) churn is dropped on the event thread with a string compare. Lost events (the kernel's queue overflowed)
 * mean a resync too.
 */
final class KernelWatch implements NetlinkListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KernelWatch.class);

    private final String node;
    private final VxlanManager manager;
    private final ApplyLoop loop;
    private LinkSubscription subscription;

    KernelWatch(String node, VxlanManager manager, ApplyLoop loop) {
        this.node = node;
        this.manager = manager;
        this.loop = loop;
    }

    /** Subscribes on a thread of the subscription's own; without it the periodic resync still repairs, later. */
    KernelWatch start(Netlink netlink) {
        try {
            subscription = netlink.subscribe(EnumSet.of(EventGroup.LINK, EventGroup.IPV4_ADDRESS), this);
        } catch (NetlinkException e) {
            LOG.warnf("event=kernel_events_unavailable node=%s error=\"%s\" effect=\"drift is repaired at the periodic"
                    + " resync only\"", node, e.getMessage());
        }
        return this;
    }

    @Override
    public void onLink(LinkEvent e) {
        if (manager.affectedBy(e.link())) {
            repair("link", e.type() + " " + e.link().name());
        }
    }

    @Override
    public void onAddress(AddrEvent e) {
        if (manager.affectedBy(e.addr())) {
            repair("address", e.type() + " " + e.addr().address() + " on #" + e.addr().linkIndex());
        }
    }

    @Override
    public void onEventsLost() {
        LOG.infof("event=kernel_events_lost node=%s action=resync", node);
        loop.requestResync();
    }

    private void repair(String kind, String what) {
        LOG.debugf("event=kernel_event node=%s kind=%s change=\"%s\" action=resync", node, kind, what);
        loop.requestResync(); // a resync marks the loop dirty: one apply follows
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
