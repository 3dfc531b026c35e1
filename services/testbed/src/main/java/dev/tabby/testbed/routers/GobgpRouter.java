package dev.tabby.testbed.routers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * GoBGP ({@code gobgpd -f gobgpd.toml}) in a namespace, its gRPC API on a unix socket in the work dir (so the
 * {@code gobgp} CLI needs no namespace and no port is taken). Prefixes are announced with {@code gobgp global rib
 * add}. gobgpd has no zebra here, so it never touches the kernel's routes: GoBGP 3.10's zebra client cannot talk to
 * Debian's FRR 8.4 zebra (it panics decoding zebra's messages as frr8.2's, and misreads them as frr8.1's, frr8's,
 * frr7.5's), so {@link RouterConfig#installRoutes()} is refused.
 */
public final class GobgpRouter implements Router {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private String netns;
    private RouterConfig config;
    private Path gobgp;
    private String target;
    private Daemon daemon;
    private final Set<String> announced = new LinkedHashSet<>();

    @Override
    public RouterKind kind() {
        return RouterKind.GOBGP;
    }

    @Override
    public synchronized void start(String netns, RouterConfig config, Path workDir) {
        if (daemon != null) {
            throw new IllegalStateException("gobgpd is already started in " + this.netns);
        }
        if (config.installRoutes()) {
            throw new IllegalArgumentException("gobgpd cannot install routes into the kernel without FRR's zebra:"
                    + " use bird or frr where kernel routes are needed");
        }
        Path gobgpd = Binaries.require("gobgpd", "gobgpd");
        gobgp = Binaries.require("gobgp", "gobgpd");
        Path dir = WorkDirs.prepare(workDir);
        this.netns = netns;
        this.config = config;
        Path socket = WorkDirs.socket(dir, "gobgp.sock");
        // gobgpd does not replace a socket a killed gobgpd left: it logs "address already in use" and runs without
        // its API.
        WorkDirs.delete(socket);
        target = "unix://" + socket;
        Path conf = dir.resolve("gobgpd.toml");
        WorkDirs.write(conf, GobgpConfig.toml(config));
        daemon = Daemon.start("gobgpd", netns,
                List.of(gobgpd.toString(), "-f", conf.toString(), "-t", "toml", "--api-hosts", target,
                        "--pprof-disable", "--log-plain"),
                dir.resolve("gobgpd.log"), () -> gobgp("global").ok(), READY_TIMEOUT);
        announce(config.prefixes());
    }

    @Override
    public synchronized void announce(Collection<String> prefixes) {
        running();
        for (String p : Prefixes.canonical(prefixes)) {
            if (announced.contains(p)) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of("global", "rib", "add", "-a", family(p), p));
            if (Afi.of(p) == Afi.IPV6 && config.ipv6NextHop() != null) {
                args.addAll(List.of("nexthop", config.ipv6NextHop()));
            }
            args.addAll(List.of("origin", "igp"));
            gobgp(args.toArray(String[]::new)).orThrow();
            announced.add(p);
        }
    }

    @Override
    public synchronized void withdraw(Collection<String> prefixes) {
        running();
        for (String p : Prefixes.canonical(prefixes)) {
            if (announced.remove(p)) {
                gobgp("global", "rib", "del", "-a", family(p), p).orThrow();
            }
        }
    }

    @Override
    public synchronized List<String> announced() {
        return List.copyOf(announced);
    }

    @Override
    public List<LearnedRoute> routes(Afi afi) {
        running();
        Cli.Result r = gobgp("global", "rib", "-a", afi == Afi.IPV4 ? "ipv4" : "ipv6", "-j");
        if (!r.ok() && r.out().contains("not in table")) {
            return List.of();
        }
        return GobgpOutput.routes(r.orThrow());
    }

    @Override
    public String sessionState(String peerAddress) {
        running();
        Neighbour n = config.neighbour(peerAddress);
        String state = GobgpOutput.sessionState(gobgp("neighbor", "-j").orThrow(), n.address());
        if (state == null) {
            throw new IllegalStateException("gobgpd in " + netns + " does not list neighbour " + n.address());
        }
        return state;
    }

    /** gobgpd installs nothing: it runs without zebra. */
    @Override
    public List<String> kernelRoutes(Afi afi) {
        running();
        return List.of();
    }

    @Override
    public long pid() {
        return running().pid();
    }

    @Override
    public synchronized void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    @Override
    public synchronized void kill9() {
        if (daemon != null) {
            daemon.kill9();
        }
    }

    private static String family(String prefix) {
        return Afi.of(prefix) == Afi.IPV4 ? "ipv4" : "ipv6";
    }

    private Cli.Result gobgp(String... args) {
        List<String> cmd = new ArrayList<>(List.of(gobgp.toString(), "--target", target));
        cmd.addAll(List.of(args));
        return Cli.run(cmd);
    }

    private Daemon running() {
        if (daemon == null) {
            throw new IllegalStateException("gobgpd is not started: call start first");
        }
        return daemon;
    }
}
