package dev.tabby.probe.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * A host root directory built file by file, as a fixture for {@code --host-root}: what /etc, /proc, /sys,
 * /lib/modules and the captured command output of a host would show. Only plain files, directories, symlinks and
 * FIFOs; nothing is checked in.
 */
public final class FixtureHost {
    /** Every module file of a distribution kernel that the requirements page names (or that hosts them). */
    public static final List<String> DISTRO_MODULES = List.of(
            "kernel/net/netfilter/x_tables.ko", "kernel/net/netfilter/xt_tcpudp.ko",
            "kernel/net/netfilter/ipset/ip_set.ko", "kernel/net/ipv4/netfilter/ip_tables.ko",
            "kernel/net/ipv6/netfilter/ip6_tables.ko", "kernel/net/ipv4/netfilter/ipt_REJECT.ko",
            "kernel/net/ipv4/netfilter/ipt_rpfilter.ko", "kernel/net/ipv6/netfilter/ip6t_rpfilter.ko",
            "kernel/net/netfilter/xt_set.ko", "kernel/net/netfilter/nf_conntrack.ko",
            "kernel/net/netfilter/nf_conntrack_netlink.ko", "kernel/net/sctp/sctp.ko",
            "kernel/net/netfilter/xt_addrtype.ko", "kernel/net/netfilter/xt_comment.ko",
            "kernel/net/netfilter/xt_conntrack.ko", "kernel/net/netfilter/xt_ipvs.ko",
            "kernel/net/netfilter/xt_mark.ko", "kernel/net/netfilter/xt_multiport.ko",
            "kernel/net/netfilter/xt_sctp.ko", "kernel/net/netfilter/xt_u32.ko", "kernel/net/ipv4/ipip.ko",
            "kernel/net/ipv4/tunnel4.ko", "kernel/net/ipv4/ip_tunnel.ko");
    /** The aliases distribution kernels declare for the page's older names. */
    public static final List<String> DISTRO_ALIASES = List.of("alias ipt_set xt_set", "alias ip6t_set xt_set",
            "alias ipt_SET xt_set", "alias ipt_mark xt_mark", "alias ipt_MARK xt_mark", "alias ipt_addrtype xt_addrtype",
            "alias net-pf-2-proto-132 sctp", "alias rtnl-link-ipip ipip", "alias tunl0 ipip");

    private final Path root;

    private FixtureHost(Path root) {
        this.root = root;
    }

    public static FixtureHost at(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FixtureHost(root);
    }

    public Path root() {
        return root;
    }

    public Path path(String abs) {
        return root.resolve(abs.substring(1));
    }

    public FixtureHost file(String abs, String content) {
        return bytes(abs, content.getBytes(StandardCharsets.UTF_8));
    }

    public FixtureHost bytes(String abs, byte[] content) {
        try {
            Path p = path(abs);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public FixtureHost gzip(String abs, String content) {
        return bytes(abs, gzipped(content));
    }

    public static byte[] gzipped(String content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public FixtureHost dir(String abs) {
        try {
            Files.createDirectories(path(abs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public FixtureHost symlink(String abs, String target) {
        try {
            Path p = path(abs);
            Files.createDirectories(p.getParent());
            Files.createSymbolicLink(p, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A named pipe where a file is expected: reading it would block forever. */
    public FixtureHost fifo(String abs) {
        try {
            Path p = path(abs);
            Files.createDirectories(p.getParent());
            Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            if (!mk.waitFor(10, TimeUnit.SECONDS) || mk.exitValue() != 0) {
                throw new IllegalStateException("mkfifo " + p + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return this;
    }

    // ------------------------------------------------------------ whole-host helpers

    public FixtureHost osRelease(String id, String versionId, String prettyName) {
        return file("/etc/os-release", "NAME=\"" + prettyName.split(" ")[0] + "\"\nID=" + id + "\nVERSION_ID=\""
                + versionId + "\"\nPRETTY_NAME=\"" + prettyName + "\"\n");
    }

    /** Release (/proc/sys/kernel/osrelease, /proc/version) and machine (/proc/sys/kernel/arch); null arch: no file. */
    public FixtureHost kernel(String release, String arch) {
        file("/proc/sys/kernel/osrelease", release + "\n");
        file("/proc/version", "Linux version " + release + " (builder@example) #1 SMP\n");
        if (arch != null) {
            file("/proc/sys/kernel/arch", arch + "\n");
        }
        return this;
    }

    public FixtureHost hostname(String name) {
        return file("/proc/sys/kernel/hostname", name + "\n");
    }

    /** /proc/self/status with this effective capability set. */
    public FixtureHost capEff(String hex) {
        return file("/proc/self/status", "Name:\tjava\nState:\tR (running)\nCapInh:\t0000000000000000\nCapPrm:\t" + hex
                + "\nCapEff:\t" + hex + "\nCapBnd:\t" + hex + "\nCapAmb:\t0000000000000000\n");
    }

    /** Root's full set on a 5.x kernel. */
    public FixtureHost rootCaps() {
        return capEff("000001ffffffffff");
    }

    public FixtureHost procModules(String... loaded) {
        StringBuilder s = new StringBuilder();
        for (String m : loaded) {
            s.append(m).append(" 45056 1 - Live 0x0000000000000000\n");
        }
        return file("/proc/modules", s.toString());
    }

    /** /lib/modules/RELEASE with modules.dep listing {@code kos}, modules.builtin and modules.alias. */
    public FixtureHost modules(String release, List<String> kos, List<String> builtin, List<String> aliases) {
        String base = "/lib/modules/" + release + "/";
        StringBuilder dep = new StringBuilder();
        for (String ko : kos) {
            dep.append(ko).append(":\n");
        }
        file(base + "modules.dep", dep.toString());
        file(base + "modules.builtin", String.join("\n", builtin) + (builtin.isEmpty() ? "" : "\n"));
        return file(base + "modules.alias", String.join("\n", aliases) + (aliases.isEmpty() ? "" : "\n"));
    }

    /** A distribution kernel's module tree: every module installed, minus {@code without} (by module name). */
    public FixtureHost distroModules(String release, boolean sctpConntrackModule, String... without) {
        List<String> kos = new ArrayList<>();
        List<String> skip = List.of(without);
        for (String ko : DISTRO_MODULES) {
            String name = ko.substring(ko.lastIndexOf('/') + 1, ko.length() - 3);
            if (!skip.contains(name)) {
                kos.add(ko);
            }
        }
        if (sctpConntrackModule && !skip.contains("nf_conntrack_proto_sctp")) {
            kos.add("kernel/net/netfilter/nf_conntrack_proto_sctp.ko");
        }
        return modules(release, kos, List.of("kernel/net/ipv4/tcp_cubic.ko", "kernel/net/unix/unix.ko"),
                DISTRO_ALIASES);
    }

    /** The kernel config, gzip'd at /proc/config.gz. */
    public FixtureHost configGz(String... lines) {
        return gzip("/proc/config.gz", String.join("\n", lines) + "\n");
    }

    public FixtureHost bootConfig(String release, String... lines) {
        return file("/boot/config-" + release, String.join("\n", lines) + "\n");
    }

    public FixtureHost ipTablesMatches(String... names) {
        return file("/proc/net/ip_tables_matches", String.join("\n", names) + "\n");
    }

    public FixtureHost ipTablesTargets(String... names) {
        return file("/proc/net/ip_tables_targets", String.join("\n", names) + "\n");
    }

    /** nf_conntrack running: its sysctls, the SCTP ones only when it tracks SCTP. */
    public FixtureHost conntrackRunning(boolean sctp) {
        file("/proc/sys/net/netfilter/nf_conntrack_max", "262144\n");
        return sctp ? file("/proc/sys/net/netfilter/nf_conntrack_sctp_timeout_established", "432000\n") : this;
    }

    public FixtureHost ipv6On() {
        return dir("/proc/sys/net/ipv6/conf/all");
    }

    /** Interfaces with their MTUs; the first carries the IPv4 default route. */
    public FixtureHost interfaces(Map<String, Integer> mtus) {
        StringBuilder route = new StringBuilder("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
        boolean first = true;
        for (Map.Entry<String, Integer> e : mtus.entrySet()) {
            file("/sys/class/net/" + e.getKey() + "/mtu", e.getValue() + "\n");
            if (first && !e.getKey().equals("lo")) {
                route.append(e.getKey()).append("\t00000000\t0100000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
                first = false;
            }
        }
        return file("/proc/net/route", route.toString());
    }

    /** /proc/net/route with exactly these lines (see {@link #route}); the interfaces' MTUs stay as they are. */
    public FixtureHost procNetRoute(String... routes) {
        StringBuilder s = new StringBuilder("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n");
        for (String r : routes) {
            s.append(r).append('\n');
        }
        return file("/proc/net/route", s.toString());
    }

    /**
     * A /proc/net/route line as the kernel prints it: {@code iface} ("*" for none: a blackhole), {@code cidr} such as
     * 169.254.0.0/16, {@code gateway} or null; {@code reject} for an unreachable or prohibit route (RTF_REJECT).
     */
    public static String route(String iface, String cidr, String gateway, boolean reject) {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        int flags = 0x0001 | (gateway != null ? 0x0002 : 0) | (prefix == 32 ? 0x0004 : 0) | (reject ? 0x0200 : 0);
        return String.format("%s\t%s\t%s\t%04X\t0\t0\t0\t%s\t0\t0\t0", iface, hex(ipv4(parts[0])),
                hex(gateway == null ? 0 : ipv4(gateway)), flags, hex(mask));
    }

    private static long ipv4(String dotted) {
        long v = 0;
        for (String octet : dotted.split("\\.")) {
            v = (v << 8) | Integer.parseInt(octet);
        }
        return v;
    }

    /** The kernel prints a network-order address as a little-endian word. */
    private static String hex(long v) {
        long le = ((v & 0xFF) << 24) | ((v & 0xFF00) << 8) | ((v >> 8) & 0xFF00) | ((v >> 24) & 0xFF);
        return String.format("%08X", le);
    }

    public FixtureHost interfaces(String uplink, int mtu) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(uplink, mtu);
        m.put("lo", 65536);
        return interfaces(m);
    }

    public FixtureHost process(int pid, String comm, String cmdline) {
        file("/proc/" + pid + "/comm", comm + "\n");
        return file("/proc/" + pid + "/cmdline", cmdline.replace(' ', '\0') + "\0");
    }

    /** A socket fd of a process, as /proc/PID/fd/N -> socket:[INODE]. */
    public FixtureHost socketFd(int pid, int fd, long inode) {
        return symlink("/proc/" + pid + "/fd/" + fd, "socket:[" + inode + "]");
    }

    /** /proc/net/tcp, tcp6, udp, udp6 with these lines (already in the kernel's format) in tcp and udp. */
    public FixtureHost sockets(List<String> tcp, List<String> udp) {
        String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
        file("/proc/net/tcp", header + String.join("\n", tcp) + (tcp.isEmpty() ? "" : "\n"));
        file("/proc/net/tcp6", header);
        file("/proc/net/udp", header + String.join("\n", udp) + (udp.isEmpty() ? "" : "\n"));
        return file("/proc/net/udp6", header);
    }

    public FixtureHost noSockets() {
        return sockets(List.of(), List.of());
    }

    /** A /proc/net/tcp line: listening on 0.0.0.0:PORT with this socket inode. */
    public static String tcpListen(int slot, int port, long inode) {
        return String.format("%4d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0",
                slot, port, inode);
    }

    /** A /proc/net/udp line: bound to 0.0.0.0:PORT with this inode (0: a kernel socket). */
    public static String udpBound(int slot, int port, long inode) {
        return String.format("%4d: 00000000:%04X 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 %d 2 0000000000000000 0",
                slot, port, inode);
    }

    /** Output of a command the probe would run on a live host: /var/lib/tabby-probe/NAME.txt. */
    public FixtureHost capture(String name, String content) {
        return file("/var/lib/tabby-probe/" + name + ".txt", content);
    }

    /** An installed binary (an empty file is enough for the probe's "is it installed"). */
    public FixtureHost binary(String abs) {
        return file(abs, "");
    }
}
