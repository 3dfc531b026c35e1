package dev.tabby.probe.checks;

import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.Mode;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.ProcessTable;
import dev.tabby.probe.net.Blocking;
import dev.tabby.probe.net.Firewall;
import dev.tabby.probe.net.SocketTable;
import dev.tabby.probe.net.Traffic;
import dev.tabby.probe.net.Traffic.Direction;
import dev.tabby.probe.net.Traffic.Family;
import dev.tabby.probe.net.Traffic.Protocol;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The network requirements table: for each port (and IP protocol 4), whether the local port is free or held by
 * Tabby (or, for etcd and the API server, who serves it here), and whether a host firewall rule, legacy or nft,
 * drops that traffic. Every port is checked whatever the modes, but a problem fails only when its mode is in use;
 * with {@code --peers}, TCP 179 is also tried towards every other node in the datastore.
 */
public final class PortChecks implements Check {

    /** Who may hold the local port. */
    enum Holder {
        /** Tabby binds it: free or Tabby's own. */
        TABBY,
        /** The kernel's VXLAN socket (inode 0) is fine too: VXLAN devices share it. */
        TABBY_OR_KERNEL_VXLAN,
        /** IP-in-IP has no port. */
        NONE,
        /** Served by another component (etcd, kube-apiserver): a listener means this host is one of its hosts. */
        SERVER
    }

    record Spec(String id, Protocol protocol, int port, String what, Mode mode, boolean bidirectional, Holder holder,
                String required) {
    }

    static final List<Spec> SPECS = List.of(
            new Spec("port-tcp-179", Protocol.TCP, 179, "BGP", Mode.BGP, true, Holder.TABBY,
                    "TCP 179 free or held by Tabby, and not dropped by the host firewall in either direction (BGP)"),
            new Spec("proto-ipip", Protocol.IPIP, 0, "IP-in-IP", Mode.IPIP, true, Holder.NONE,
                    "IP protocol 4 (IP-in-IP) not dropped by the host firewall in either direction"),
            new Spec("port-udp-4789", Protocol.UDP, 4789, "VXLAN", Mode.VXLAN, true, Holder.TABBY_OR_KERNEL_VXLAN,
                    "UDP 4789 free or held by Tabby's VXLAN device, and not dropped by the host firewall in either "
                            + "direction (VXLAN)"),
            new Spec("port-tcp-5473", Protocol.TCP, 5473, "the fan-out (Typha)", null, false, Holder.TABBY,
                    "TCP 5473 free or held by Tabby, and incoming traffic not dropped where the fan-out runs"),
            new Spec("port-tcp-2379", Protocol.TCP, 2379, "etcd", null, false, Holder.SERVER,
                    "incoming TCP 2379 not dropped on etcd hosts"),
            new Spec("port-tcp-6443", Protocol.TCP, 6443, "kube-apiserver", null, false, Holder.SERVER,
                    "incoming TCP 6443 (often 443) not dropped on kube-apiserver hosts"));

    static final String FIREWALL_REMEDY = "run the probe as root (it needs CAP_NET_ADMIN to list the rules, and only "
            + "lists them) with iptables (iptables-legacy-save, iptables-nft-save) and nft installed";

    @Override
    public List<String> ids() {
        return SPECS.stream().map(Spec::id).toList();
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        List<CheckResult> out = new ArrayList<>();
        for (Spec spec : SPECS) {
            out.add(check(ctx, spec));
        }
        return out;
    }

    private static CheckResult check(ProbeContext ctx, Spec spec) {
        Status status = Status.PASS;
        List<String> observed = new ArrayList<>();
        Set<String> remedies = new LinkedHashSet<>();
        boolean rulesOut = false;
        Status modeSeverity = spec.mode == null ? Status.WARN : ctx.severityFor(spec.mode);

        boolean serving = false;
        boolean untested = false;
        if (spec.holder != Holder.NONE) {
            SocketTable sockets = ctx.sockets();
            List<SocketTable.Socket> bound = spec.protocol == Protocol.TCP ? sockets.tcpListeners(spec.port)
                    : sockets.udpBound(spec.port);
            String portText = spec.protocol.name.toUpperCase() + " " + spec.port;
            if (sockets.unreadable()) {
                status = status.worse(Status.WARN);
                untested = true;
                observed.add(CheckResult.NOT_TESTED + "who holds " + portText + ": cannot read the socket tables ("
                        + String.join("; ", sockets.problems()) + ")");
                remedies.add("run the probe where it can read /proc/net/tcp and /proc/net/udp of the node's network "
                        + "namespace");
            } else if (!sockets.problems().isEmpty()) {
                status = status.worse(Status.WARN);
                observed.add("cannot see all sockets: " + String.join("; ", sockets.problems()));
            }
            if (sockets.unreadable()) {
                // nothing to say about the holder
            } else if (bound.isEmpty()) {
                observed.add(spec.holder == Holder.SERVER ? "nothing listens on " + portText + " here (not a "
                        + spec.what + " host)" : portText + " is free");
            } else {
                Owners owners = owners(ctx.processes(), bound);
                if (spec.holder == Holder.SERVER) {
                    serving = true;
                    observed.add("this host serves " + portText + ": " + owners.describe());
                } else if (owners.others.isEmpty() && owners.unknown.isEmpty()
                        && (owners.kernel == 0 || spec.holder == Holder.TABBY_OR_KERNEL_VXLAN)) {
                    observed.add(portText + " is held by " + owners.describe());
                } else if (!owners.others.isEmpty()) {
                    status = status.worse(modeSeverity);
                    rulesOut = true;
                    observed.add(portText + " is held by " + owners.describe() + ", not by Tabby");
                    remedies.add("stop " + String.join(", ", owners.others) + " or move it off " + portText
                            + " (" + spec.what + " needs it)");
                } else {
                    status = status.worse(Status.WARN);
                    observed.add(portText + " is held by " + owners.describe());
                    remedies.add("find who holds " + portText + " (ss -lnptu) and make sure it is Tabby");
                }
            }
        }

        Firewall fw = ctx.firewall();
        List<Blocking> blocked = new ArrayList<>();
        for (Traffic t : traffic(spec)) {
            blocked.addAll(fw.blocking(t));
        }
        boolean certainlyBlocked = false;
        if (!blocked.isEmpty()) {
            for (Blocking b : blocked) {
                Status s = !b.certain() ? Status.WARN
                        : spec.mode != null ? modeSeverity
                        : spec.holder == Holder.SERVER && serving ? Status.FAIL : Status.WARN;
                status = status.worse(s);
                rulesOut |= b.certain() && spec.mode != null;
                certainlyBlocked |= b.certain();
                observed.add(b.traffic().describe() + " " + b.describe());
            }
            remedies.add(allowRemedy(spec));
        }
        String read = fw.inspected().isEmpty() ? "" : "read: " + String.join(", ", fw.inspected());
        if (!fw.unobserved().isEmpty()) {
            status = status.worse(Status.WARN);
            untested |= !certainlyBlocked;
            observed.add(CheckResult.NOT_TESTED + "whether the firewall drops it: rules unreadable ("
                    + String.join("; ", fw.unobserved()) + (read.isEmpty() ? "" : "; " + read) + ")");
            remedies.add(FIREWALL_REMEDY);
        } else if (blocked.isEmpty()) {
            observed.add(fw.inspected().isEmpty() ? "no firewall rules (no legacy iptables tables, no nf_tables)"
                    : "no firewall rule drops it (" + read + (fw.notInspected().isEmpty() ? ""
                    : "; not read: " + String.join("; ", fw.notInspected())) + ")");
        }

        if (spec.mode == Mode.BGP && ctx.peers()) {
            PeerProbe.Outcome peers = PeerProbe.probe(ctx, spec.port);
            observed.add(peers.observed());
            if (peers.blocked()) {
                status = status.worse(modeSeverity);
                remedies.add("open TCP 179 between this node and the peers listed as not answering");
            } else if (peers.problem()) {
                status = status.worse(Status.WARN);
            }
        }

        if (spec.mode != null && !ctx.inUse(spec.mode) && status != Status.PASS) {
            observed.add("(" + spec.mode.title() + " is not in use)");
        }
        CheckResult result = new CheckResult(spec.id, status, String.join("; ", observed), spec.required,
                String.join("\n", remedies));
        if (untested && status != Status.PASS) {
            result = result.markedUntested();
        }
        return rulesOut && spec.mode != null ? result.rulingOut(spec.mode) : result;
    }

    /** The traffic a requirement covers: both families (IP-in-IP: IPv4 only), in, and out when bidirectional. */
    static List<Traffic> traffic(Spec spec) {
        List<Traffic> out = new ArrayList<>();
        Set<Family> families = spec.protocol == Protocol.IPIP ? EnumSet.of(Family.V4) : EnumSet.allOf(Family.class);
        for (Family f : families) {
            out.add(new Traffic(spec.protocol, spec.port, Direction.IN, f));
            if (spec.bidirectional) {
                out.add(new Traffic(spec.protocol, spec.port, Direction.OUT, f));
            }
        }
        return out;
    }

    private static String allowRemedy(Spec spec) {
        String match = spec.protocol == Protocol.IPIP ? "-p 4" : "-p " + spec.protocol.name + " --dport " + spec.port;
        String nft = spec.protocol == Protocol.IPIP ? "ip protocol 4" : spec.protocol.name + " dport " + spec.port;
        return "allow " + (spec.protocol == Protocol.IPIP ? "IP protocol 4" : spec.protocol.name.toUpperCase() + " "
                + spec.port) + " between the nodes: remove the rule named above, or insert an accept before it, e.g. "
                + "iptables -I INPUT " + match + " -j ACCEPT" + (spec.bidirectional ? " (and -I OUTPUT)" : "")
                + " or nft insert rule <family> <table> <chain> " + nft + " accept";
    }

    /** Who holds a port: Tabby processes, the kernel (inode 0), other processes, unidentified sockets. */
    private record Owners(List<String> tabby, int kernel, List<String> others, List<String> unknown) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (!tabby.isEmpty()) {
                parts.add("Tabby (" + String.join(", ", tabby) + ")");
            }
            if (kernel > 0) {
                parts.add("the kernel (a VXLAN device's socket, which VXLAN devices share)");
            }
            parts.addAll(others);
            unknown.forEach(u -> parts.add("a process the probe cannot identify (socket inode " + u + ")"));
            return String.join(", ", parts);
        }
    }

    private static Owners owners(ProcessTable procs, List<SocketTable.Socket> sockets) {
        Set<String> tabby = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        Set<String> unknown = new LinkedHashSet<>();
        int kernel = 0;
        for (SocketTable.Socket s : sockets) {
            if (s.inode() == 0) {
                kernel++;
                continue;
            }
            Optional<ProcessTable.Proc> p = procs.socketOwner(s.inode());
            if (p.isEmpty()) {
                unknown.add(Long.toString(s.inode()));
            } else if (p.get().isTabby()) {
                tabby.add(p.get().describe());
            } else {
                others.add(p.get().describe());
            }
        }
        return new Owners(List.copyOf(tabby), kernel, List.copyOf(others), List.copyOf(unknown));
    }
}
