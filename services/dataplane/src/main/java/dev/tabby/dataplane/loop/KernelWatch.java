package dev.tabby.dataplane.loop;

import dev.tabby.netlink.Addr;
import dev.tabby.netlink.AddrEvent;
import dev.tabby.netlink.EventGroup;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkEvent;
import dev.tabby.netlink.LinkSubscription;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.NetlinkListener;
import java.util.EnumSet;
import org.jboss.logging.Logger;

/**
 * Repairs on kernel events rather than at the next resync: link and IPv4 address events of the agent's own namespace
 * that touch what a manager depends on (its device changed or deleted by hand, an interface gaining the node's
 * address, an MTU that counts) make the apply loop re-read the kernel and apply at once. Felix polls its devices
 * every 10 s (vxlan_mgr.go KeepVXLANDeviceInSync, ipip_mgr.go KeepIPIPDeviceInSync); an event is here within
 * milliseconds. The manager's {@link Interest} filters on the event thread, so workload (cali*) churn costs a string
 * compare. Lost events (the kernel's queue overflowed) mean a resync too.
 */
public final class KernelWatch implements NetlinkListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KernelWatch.class);

    private final String node;
    private final Interest manager;
    private final ApplyLoop loop;
    private LinkSubscription subscription;

    /** What of the kernel a manager depends on; asked on the event thread, so it must be cheap and thread-safe. */
    public interface Interest {
        boolean affectedBy(Link link);

        boolean affectedBy(Addr addr);
    }

    public KernelWatch(String node, Interest manager, ApplyLoop loop) {
        this.node = node;
        this.manager = manager;
        this.loop = loop;
    }

    /** Subscribes on a thread of the subscription's own; without it the periodic resync still repairs, later. */
    public KernelWatch start(Netlink netlink) {
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
