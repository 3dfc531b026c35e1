package dev.tabby.probe.checks;

import dev.tabby.netlink.Link;
import dev.tabby.netlink.LinkAttrs;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;
import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Mode;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import java.io.IOException;
import java.util.List;

/**
 * iface-cali, iface-tunl, iface-vxlan: Tabby's interfaces are really created, configured and deleted, in a scratch
 * network namespace on the live host (never in the host's own). Configuring tunl0 asks the kernel for an ipip link,
 * which loads the ipip module if the kernel has one, as Tabby itself would. Under another --host-root the kernel
 * is not that host's, so these are skipped.
 */
public final class InterfaceChecks implements Check {
    public static final String CALI = "iface-cali";
    public static final String TUNL = "iface-tunl";
    public static final String VXLAN = "iface-vxlan";
    static final String VETH_NAME = "cali1234567890a";
    static final String VETH_PEER = "tabby-probe-p0";
    static final int VETH_MTU = 1440;
    static final int TUNL_MTU = 1480;
    static final int VXLAN_MTU = 1450;
    private static final String PRIVILEGE_REMEDY = "run the probe as root, or with CAP_SYS_ADMIN (for its scratch "
            + "network namespace) and CAP_NET_ADMIN, so it can test the interfaces";
    private static final String REQ_CALI = "Tabby can create cali* veth pairs, set their MTU and bring them up, and "
            + "delete them";
    private static final String REQ_TUNL = "Tabby can configure tunl0 (MTU, up), for IP-in-IP pools";
    private static final String REQ_VXLAN = "Tabby can create vxlan.calico (VNI 4096, UDP 4789, learning off), "
            + "configure and delete it, for VXLAN pools";

    @Override
    public List<String> ids() {
        return List.of(CALI, TUNL, VXLAN);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        if (!ctx.host().live()) {
            String why = "not run under --host-root " + ctx.host().root() + ": creating interfaces needs that host's "
                    + "running kernel";
            String remedy = "run the probe on that host itself";
            return List.of(CheckResult.notTested(CALI, Status.SKIP, why, REQ_CALI, remedy),
                    CheckResult.notTested(TUNL, Status.SKIP, why, REQ_TUNL, remedy),
                    CheckResult.notTested(VXLAN, Status.SKIP, why, REQ_VXLAN, remedy));
        }
        try (ScratchNamespace ns = ScratchNamespace.create(); Netlink nl = Netlink.at(ns.path())) {
            return List.of(cali(nl), tunl(ctx, nl), vxlan(ctx, nl));
        } catch (IOException | NetlinkException | UnsupportedOperationException | LinkageError e) {
            String why = "could not make a scratch network namespace to test in: " + e.getMessage();
            return List.of(CheckResult.notTested(CALI, Status.WARN, why, REQ_CALI, PRIVILEGE_REMEDY),
                    CheckResult.notTested(TUNL, Status.WARN, why, REQ_TUNL, PRIVILEGE_REMEDY),
                    CheckResult.notTested(VXLAN, Status.WARN, why, REQ_VXLAN, PRIVILEGE_REMEDY));
        }
    }

    /** The kernel refused for want of privilege: that says nothing about whether the interface can work. */
    private static boolean refused(RuntimeException e) {
        return e instanceof NetlinkException ne && (ne.errno() == Errno.EPERM || ne.errno() == Errno.EACCES);
    }

    private static CheckResult refused(String id, String what, RuntimeException e, String required) {
        return CheckResult.notTested(id, Status.WARN, "the kernel refused to " + what + " for want of privilege: "
                + e.getMessage(), required, PRIVILEGE_REMEDY);
    }

    private static CheckResult cali(Netlink nl) {
        String step = "create";
        try {
            nl.linkAdd(new Link.Veth(LinkAttrs.named(VETH_NAME), VETH_PEER, null));
            step = "set the MTU of";
            nl.linkSetMtu(VETH_NAME, VETH_MTU);
            step = "bring up";
            nl.linkSetUp(VETH_NAME);
            step = "read back";
            Link got = nl.linkByName(VETH_NAME).orElseThrow(() -> new IllegalStateException("it vanished"));
            if (got.attrs().mtu() != VETH_MTU || !got.attrs().up()) {
                throw new IllegalStateException("it reads back as MTU " + got.attrs().mtu() + ", up " + got.attrs().up());
            }
            step = "delete";
            nl.linkDel(VETH_NAME);
            if (nl.linkByName(VETH_NAME).isPresent() || nl.linkByName(VETH_PEER).isPresent()) {
                throw new IllegalStateException("it is still there after deleting it");
            }
            return CheckResult.pass(CALI, "created veth " + VETH_NAME + " (peer " + VETH_PEER + "), set MTU " + VETH_MTU
                    + " and up, deleted it; in a scratch network namespace", REQ_CALI);
        } catch (NetlinkException | IllegalStateException | UnsupportedOperationException e) {
            if (refused(e)) {
                return refused(CALI, step + " veth " + VETH_NAME, e, REQ_CALI);
            }
            return CheckResult.fail(CALI, "cannot " + step + " veth " + VETH_NAME + ": " + e.getMessage(), REQ_CALI,
                    "Tabby needs veth support (CONFIG_VETH) and CAP_NET_ADMIN");
        }
    }

    private static CheckResult tunl(ProbeContext ctx, Netlink nl) {
        try {
            Link.Ipip tunl = nl.ipipConfigure(new Link.Ipip(new LinkAttrs(0, "tunl0", TUNL_MTU, null, true, 0, 0, null),
                    null, null, 0, false));
            return CheckResult.pass(TUNL, "configured tunl0 (MTU " + tunl.attrs().mtu() + ", up " + tunl.attrs().up()
                    + ") in a scratch network namespace, which took it away", REQ_TUNL);
        } catch (NetlinkException | UnsupportedOperationException e) {
            if (refused(e)) {
                return refused(TUNL, "configure tunl0", e, REQ_TUNL);
            }
            return new CheckResult(TUNL, ctx.severityFor(Mode.IPIP), "cannot configure tunl0: " + e.getMessage()
                    + "; IP-in-IP pools cannot work on this host" + (ctx.inUse(Mode.IPIP) ? ""
                    : " (IP-in-IP is not in use)"), REQ_TUNL,
                    "use VXLAN pools instead, or boot a kernel with IP-in-IP (CONFIG_NET_IPIP)").rulingOut(Mode.IPIP);
        }
    }

    private static CheckResult vxlan(ProbeContext ctx, Netlink nl) {
        String name = "vxlan.calico";
        String step = "create";
        try {
            nl.linkAdd(new Link.Vxlan(LinkAttrs.named(name), 4096, 4789, null, 0, false, false, false, false));
            step = "set the MTU of";
            nl.linkSetMtu(name, VXLAN_MTU);
            step = "bring up";
            nl.linkSetUp(name);
            step = "read back";
            Link got = nl.linkByName(name).orElseThrow(() -> new IllegalStateException("it vanished"));
            if (!(got instanceof Link.Vxlan v) || v.vni() != 4096 || v.port() != 4789 || v.learning()) {
                throw new IllegalStateException("it reads back as " + got);
            }
            step = "delete";
            nl.linkDel(name);
            return CheckResult.pass(VXLAN, "created " + name + " (VNI 4096, UDP 4789, learning off), set MTU "
                    + VXLAN_MTU + " and up, deleted it; in a scratch network namespace", REQ_VXLAN);
        } catch (NetlinkException | IllegalStateException | UnsupportedOperationException e) {
            if (refused(e)) {
                return refused(VXLAN, step + " " + name, e, REQ_VXLAN);
            }
            return new CheckResult(VXLAN, ctx.severityFor(Mode.VXLAN), "cannot " + step + " " + name + ": "
                    + e.getMessage() + "; VXLAN pools cannot work on this host"
                    + (ctx.inUse(Mode.VXLAN) ? "" : " (VXLAN is not in use)"), REQ_VXLAN,
                    "boot a kernel with VXLAN (CONFIG_VXLAN), or use IP-in-IP pools").rulingOut(Mode.VXLAN);
        }
    }
}
