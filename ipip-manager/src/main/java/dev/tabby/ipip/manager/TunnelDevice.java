package dev.tabby.ipip.manager;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.ApplyTally;
import dev.tabby.dataplane.KernelErrors;
import dev.tabby.ipip.plan.TunnelSpec;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes tunl0 match a {@link TunnelSpec}, as Felix's ipip_mgr.go configureIPIPDevice does: the device made to exist
 * (asking for it loads the ipip module, whose loading creates it), the MTU set, up, and exactly the tunnel address
 * as a /32. The fallback device's own parameters (no local, no remote, TTL inherit, no PMTU discovery) are fixed by the
 * kernel. Apply thread only.
 */
final class TunnelDevice {
    private static final Logger LOG = Logger.getLogger(TunnelDevice.class);
    static final String DRIVER = "device " + TunnelSpec.NAME;

    private final Netlink netlink;

    TunnelDevice(Netlink netlink) {
        this.netlink = netlink;
    }

    /** @param index tunl0's ifindex, 0 when it could not be made right */
    record Outcome(ApplyResult result, int index) {
    }

    Outcome ensure(TunnelSpec spec) {
        ApplyTally tally = new ApplyTally(DRIVER);
        String step = "look-up";
        int index = 0;
        try {
            Optional<Link> before = netlink.linkByName(TunnelSpec.NAME);
            boolean changes = before.isEmpty() || before.get().attrs().mtu() != spec.mtu() || !before.get().attrs().up();
            if (changes) {
                step = before.isEmpty() ? "create (load the ipip module)" : "set MTU " + spec.mtu() + " and up";
                Link.Ipip want = new Link.Ipip(LinkAttrs.named(TunnelSpec.NAME).withMtu(spec.mtu()).withUp(true),
                        null, null, 0, false);
                Link.Ipip got = netlink.ipipConfigure(want);
                tally.wrote();
                index = got.index();
                LOG.infof("event=device_configured device=%s mtu=%d created=%s", TunnelSpec.NAME, spec.mtu(),
                        before.isEmpty());
            } else {
                index = before.get().index();
            }
            step = "address " + spec.tunnelAddress() + "/32";
            ensureOnlyAddress(index, new Cidr(spec.tunnelAddress(), 32), tally);
        } catch (NetlinkException e) {
            tally.failed(TunnelSpec.NAME + " " + step, e.getMessage());
            index = 0;
        }
        return new Outcome(tally.result(), index);
    }

    private void ensureOnlyAddress(int index, Cidr want, ApplyTally tally) {
        boolean present = false;
        for (Addr a : netlink.addrList(index, Family.INET)) {
            if (a.address().equals(want)) {
                present = true;
                continue;
            }
            LOG.warnf("event=device_address_removed device=%s address=%s", TunnelSpec.NAME, a.address());
            netlink.addrDel(a);
            tally.wrote();
        }
        if (!present) {
            netlink.addrAdd(Addr.of(index, want));
            tally.wrote();
        }
    }

    /**
     * IP-in-IP is off: tunl0 loses its addresses and goes down. The device itself stays (the module's fallback
     * device cannot be deleted), and a missing tunl0 is left missing: asking for it would load the module.
     */
    Outcome quiesce() {
        ApplyTally tally = new ApplyTally(DRIVER);
        int index = 0;
        try {
            Optional<Link> link = netlink.linkByName(TunnelSpec.NAME);
            if (link.isEmpty()) {
                return new Outcome(ApplyResult.NOTHING, 0);
            }
            index = link.get().index();
            for (Addr a : netlink.addrList(index, Family.INET)) {
                netlink.addrDel(a);
                tally.wrote();
            }
            if (link.get().attrs().up()) {
                netlink.linkSetDown(TunnelSpec.NAME);
                tally.wrote();
                LOG.infof("event=device_down device=%s reason=\"IP-in-IP not in use\"", TunnelSpec.NAME);
            }
        } catch (NetlinkException e) {
            if (!KernelErrors.alreadyGone(e)) {
                tally.failed(TunnelSpec.NAME + " set down", e.getMessage());
            }
        }
        return new Outcome(tally.result(), index);
    }
}
