package dev.tabby.vxlan.manager;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.dataplane.ApplyTally;
import dev.tabby.dataplane.KernelErrors;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.Addr;
import dev.tabby.netlink.Family;
import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.vxlan.plan.DeviceSpec;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes vxlan.calico match a {@link DeviceSpec}, as Felix's vxlan_mgr.go does: created when missing; deleted and
 * created again when a setting the kernel fixes at creation differs (kind, VNI, port, parent, source address,
 * learning); MAC and MTU changed in place; exactly the tunnel address as a /32 (other IPv4 addresses removed);
 * up. Kernel I/O: called from the apply thread only.
 */
final class VxlanDevice {
    private static final Logger LOG = Logger.getLogger(VxlanDevice.class);
    static final String DRIVER = "device " + DeviceSpec.NAME;

    private final Netlink netlink;

    VxlanDevice(Netlink netlink) {
        this.netlink = netlink;
    }

    /**
     * @param result     the writes and failures
     * @param index      the device's ifindex, 0 when it could not be made to exist
     * @param recreated  the device is new since the last call, so its FDB, ARP entries and routes are gone
     * @param mismatch   why an existing device was deleted to be made again, or null when none was
     */
    record Outcome(ApplyResult result, int index, boolean recreated, String mismatch) {
    }

    Outcome ensure(DeviceSpec spec) {
        ApplyTally tally = new ApplyTally(DRIVER);
        int index = 0;
        boolean recreated = false;
        String replaced = null;
        String step = "look-up";
        try {
            Link link = netlink.linkByName(DeviceSpec.NAME).orElse(null);
            String mismatch = link == null ? null : mismatch(link, spec);
            if (mismatch != null) {
                LOG.warnf("event=device_recreate device=%s reason=\"%s\"", DeviceSpec.NAME, mismatch);
                step = "delete (" + mismatch + ")";
                netlink.linkDel(DeviceSpec.NAME);
                tally.wrote();
                replaced = mismatch;
                link = null;
            }
            if (link == null) {
                step = "create";
                link = create(spec);
                tally.wrote();
                recreated = true;
                LOG.infof("event=device_created device=%s vni=%d port=%d parent=%s local=%s mtu=%d mac=%s",
                        DeviceSpec.NAME, spec.vni(), spec.port(), spec.parent(), spec.parentAddress(), spec.mtu(), spec.mac());
            }
            index = link.index();
            if (!spec.mac().equals(link.attrs().mac())) {
                step = "set MAC " + spec.mac();
                netlink.linkSetMac(DeviceSpec.NAME, spec.mac());
                tally.wrote();
            }
            if (link.attrs().mtu() != spec.mtu()) {
                step = "set MTU " + spec.mtu();
                netlink.linkSetMtu(DeviceSpec.NAME, spec.mtu());
                tally.wrote();
            }
            step = "address " + spec.tunnelAddress() + "/32";
            ensureOnlyAddress(index, new Cidr(spec.tunnelAddress(), 32), tally);
            if (!link.attrs().up()) {
                step = "set up";
                netlink.linkSetUp(DeviceSpec.NAME);
                tally.wrote();
            }
        } catch (NetlinkException e) {
            tally.failed(DeviceSpec.NAME + " " + step, e.getMessage());
        }
        return new Outcome(tally.result(), index, recreated, replaced);
    }

    private Link create(DeviceSpec spec) {
        Link.Vxlan want = new Link.Vxlan(LinkAttrs.named(DeviceSpec.NAME).withMtu(spec.mtu()).withMac(spec.mac()),
                spec.vni(), spec.port(), spec.parentAddress(), spec.parentIndex(), false, false, false, false);
        try {
            return netlink.linkAdd(want);
        } catch (NetlinkException e) {
            if (!KernelErrors.exists(e)) {
                throw e;
            }
            // Made between our look-up and the add (a second instance, an operator): judge it on the next apply.
            return netlink.linkByName(DeviceSpec.NAME).orElseThrow(() -> e);
        }
    }

    /** Why the existing link cannot be made right in place, or null when it can. */
    static String mismatch(Link link, DeviceSpec spec) {
        if (!(link instanceof Link.Vxlan v)) {
            String kind = link instanceof Link.Device d ? d.kind() : link.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            return "it is a " + kind + " device, not vxlan";
        }
        if (v.vni() != spec.vni()) {
            return "VNI " + v.vni() + ", want " + spec.vni();
        }
        if (v.port() > 0 && v.port() != spec.port()) {
            return "port " + v.port() + ", want " + spec.port();
        }
        if (v.parentIndex() > 0 && v.parentIndex() != spec.parentIndex()) {
            return "parent #" + v.parentIndex() + ", want " + spec.parent() + " (#" + spec.parentIndex() + ")";
        }
        if (v.local() != null && !v.local().equals(spec.parentAddress())) {
            return "source address " + v.local() + ", want " + spec.parentAddress();
        }
        if (v.learning()) {
            return "learning is on; Calico's device learns nothing, every entry is programmed";
        }
        return null;
    }

    private void ensureOnlyAddress(int index, Cidr want, ApplyTally tally) {
        List<Addr> have = netlink.addrList(index, Family.INET);
        boolean present = false;
        for (Addr a : have) {
            if (a.address().equals(want)) {
                present = true;
                continue;
            }
            LOG.warnf("event=device_address_removed device=%s address=%s", DeviceSpec.NAME, a.address());
            netlink.addrDel(a);
            tally.wrote();
        }
        if (!present) {
            netlink.addrAdd(Addr.of(index, want));
            tally.wrote();
        }
    }

    /** Deletes vxlan.calico if it is a VXLAN device; its FDB, ARP entries and routes go with it. */
    ApplyResult remove() {
        try {
            Optional<Link> link = netlink.linkByName(DeviceSpec.NAME);
            if (link.isEmpty()) {
                return ApplyResult.NOTHING;
            }
            if (!(link.get() instanceof Link.Vxlan)) {
                LOG.warnf("event=device_left device=%s reason=\"not a vxlan device, so not ours\"", DeviceSpec.NAME);
                return ApplyResult.NOTHING;
            }
            netlink.linkDel(DeviceSpec.NAME);
            LOG.infof("event=device_deleted device=%s reason=\"no VXLAN pool\"", DeviceSpec.NAME);
            return new ApplyResult(1, List.of());
        } catch (NetlinkException e) {
            if (KernelErrors.alreadyGone(e)) {
                return ApplyResult.NOTHING;
            }
            return ApplyResult.failed(DRIVER, DeviceSpec.NAME + " delete", e.getMessage());
        }
    }
}
