package dev.tabby.testbed.routers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * FRR 8.4 in a namespace: zebra and bgpd in the foreground, their vty sockets, zserv socket and pid files in the work
 * dir, which is handed to the frr user (the daemons drop to it; the work dir's parents must let it through).
 *
 * <p>zebra runs although bgpd could run without it ({@code -Z}): without zebra bgpd knows no interface, and then
 * refuses an IPv6 route whose next hop comes with a link-local address (as BIRD sends it on a shared link) with a
 * NOTIFICATION that tears the session down. bgpd runs with {@code -n} (no kernel routes) unless the configuration
 * asks for kernel routes.
 */
public final class FrrRouter implements Router {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final String FRR_USER = "frr";

    private String netns;
    private RouterConfig config;
    private Path vtysh;
    private Path dir;
    private Daemon zebra;
    private Daemon bgpd;
    private final Set<String> announced = new LinkedHashSet<>();

    @Override
    public RouterKind kind() {
        return RouterKind.FRR;
    }

    @Override
    public synchronized void start(String netns, RouterConfig config, Path workDir) {
        if (bgpd != null) {
            throw new IllegalStateException("frr is already started in " + this.netns);
        }
        if (config.installRoutes() && !config.listenAddresses().isEmpty()) {
            throw new IllegalArgumentException("frr cannot both listen on given addresses and install kernel routes:"
                    + " bgpd's -l implies -n (no kernel routes); drop the listen addresses");
        }
        Path zebraBin = Binaries.require("/usr/lib/frr/zebra", "frr");
        Path bgpdBin = Binaries.require("/usr/lib/frr/bgpd", "frr");
        vtysh = Binaries.require("vtysh", "frr");
        dir = WorkDirs.prepare(workDir);
        this.netns = netns;
        this.config = config;
        Path zserv = WorkDirs.socket(dir, "zserv.api");
        WorkDirs.socket(dir, "zebra.vty");
        WorkDirs.socket(dir, "bgpd.vty");
        Path zebraConf = dir.resolve("zebra.conf");
        Path bgpdConf = dir.resolve("bgpd.conf");
        WorkDirs.write(zebraConf, FrrConfig.zebra(config));
        WorkDirs.write(bgpdConf, FrrConfig.bgpd(config));
        handToFrr(List.of(dir, zebraConf, bgpdConf));
        announced.addAll(config.prefixes());
        // -P 0: no vty on TCP, only the unix sockets in the work dir.
        zebra = Daemon.start("zebra", netns,
                List.of(zebraBin.toString(), "-f", zebraConf.toString(), "-i", dir.resolve("zebra.pid").toString(),
                        "--vty_socket", dir.toString(), "-z", zserv.toString(), "-P", "0", "--log", "stdout"),
                dir.resolve("zebra.log"), () -> vtysh("zebra", "show version").ok(), READY_TIMEOUT);
        List<String> cmd = new ArrayList<>(List.of(bgpdBin.toString(), "-f", bgpdConf.toString(), "-i",
                dir.resolve("bgpd.pid").toString(), "--vty_socket", dir.toString(), "-z", zserv.toString(), "-P", "0",
                "--log", "stdout"));
        if (!config.installRoutes()) {
            cmd.add("-n");
        }
        for (String a : config.listenAddresses()) {
            cmd.addAll(List.of("-l", a));
        }
        try {
            bgpd = Daemon.start("bgpd", netns, cmd, dir.resolve("bgpd.log"),
                    () -> vtysh("bgpd", "show bgp summary").ok(), READY_TIMEOUT);
        } catch (RuntimeException e) {
            zebra.stop();
            throw e;
        }
    }

    @Override
    public synchronized void announce(Collection<String> prefixes) {
        running();
        List<String> fresh = Prefixes.canonical(prefixes).stream().filter(p -> !announced.contains(p)).distinct()
                .toList();
        if (!fresh.isEmpty()) {
            vtysh("bgpd", FrrConfig.networks(config, fresh, true).toArray(String[]::new)).orThrow();
            announced.addAll(fresh);
        }
    }

    @Override
    public synchronized void withdraw(Collection<String> prefixes) {
        running();
        List<String> gone = Prefixes.canonical(prefixes).stream().filter(announced::contains).distinct().toList();
        if (!gone.isEmpty()) {
            vtysh("bgpd", FrrConfig.networks(config, gone, false).toArray(String[]::new)).orThrow();
            announced.removeAll(gone);
        }
    }

    @Override
    public synchronized List<String> announced() {
        return List.copyOf(announced);
    }

    @Override
    public List<LearnedRoute> routes(Afi afi) {
        running();
        return FrrOutput.routes(vtysh("bgpd", afi == Afi.IPV4 ? "show bgp ipv4 unicast json"
                : "show bgp ipv6 unicast json").orThrow());
    }

    @Override
    public String sessionState(String peerAddress) {
        running();
        Neighbour n = config.neighbour(peerAddress);
        String state = FrrOutput.sessionState(vtysh("bgpd", "show bgp neighbors " + n.address() + " json").orThrow(),
                n.address());
        if (state == null) {
            throw new IllegalStateException("bgpd in " + netns + " does not list neighbour " + n.address());
        }
        return state;
    }

    @Override
    public List<String> kernelRoutes(Afi afi) {
        running();
        return KernelRoutes.of(netns, afi, "bgp");
    }

    @Override
    public long pid() {
        return running().pid();
    }

    /** Stops bgpd, then zebra. */
    @Override
    public synchronized void stop() {
        if (bgpd != null) {
            bgpd.stop();
        }
        if (zebra != null) {
            zebra.stop();
        }
    }

    /** SIGKILL to bgpd and zebra, as a crash of the router would end them. */
    @Override
    public synchronized void kill9() {
        if (bgpd != null) {
            bgpd.kill9();
        }
        if (zebra != null) {
            zebra.kill9();
        }
    }

    private Cli.Result vtysh(String daemon, String... commands) {
        List<String> cmd = new ArrayList<>(List.of(vtysh.toString(), "--vty_socket", dir.toString(), "-d", daemon));
        for (String c : commands) {
            cmd.addAll(List.of("-c", c));
        }
        return Cli.run(cmd);
    }

    private Daemon running() {
        if (bgpd == null) {
            throw new IllegalStateException("frr is not started: call start first");
        }
        return bgpd;
    }

    /** zebra and bgpd drop to the frr user: it must write its pid files and sockets here and read its configs. */
    private static void handToFrr(List<Path> paths) {
        try {
            UserPrincipalLookupService users = paths.get(0).getFileSystem().getUserPrincipalLookupService();
            GroupPrincipal group = users.lookupPrincipalByGroupName(FRR_USER);
            for (Path p : paths) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(users.lookupPrincipalByName(FRR_USER));
                view.setGroup(group);
                if (Files.isDirectory(p)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + paths.get(0) + " to the frr user (FRR's daemons run as"
                    + " it; is frr installed?): " + e.getMessage(), e);
        }
    }
}
