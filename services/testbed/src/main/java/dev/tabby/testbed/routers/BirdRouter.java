package dev.tabby.testbed.routers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * BIRD 2 ({@code bird -f -c bird.conf -s bird.ctl}) in a namespace. Announce and withdraw rewrite the include files
 * of the static protocols and run {@code birdc configure}; the CLI talks to BIRD over its control socket in the work
 * dir, which needs no namespace.
 */
public final class BirdRouter implements Router {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);

    private String netns;
    private RouterConfig config;
    private Path birdc;
    private Path socket;
    private Path announce4;
    private Path announce6;
    private Daemon daemon;
    private final Set<String> announced = new LinkedHashSet<>();

    @Override
    public RouterKind kind() {
        return RouterKind.BIRD;
    }

    @Override
    public synchronized void start(String netns, RouterConfig config, Path workDir) {
        if (daemon != null) {
            throw new IllegalStateException("bird is already started in " + this.netns);
        }
        Path bird = Binaries.require("bird", "bird2");
        birdc = Binaries.require("birdc", "bird2");
        Path dir = WorkDirs.prepare(workDir);
        this.netns = netns;
        this.config = config;
        socket = WorkDirs.socket(dir, "bird.ctl");
        announce4 = dir.resolve("announce4.conf");
        announce6 = dir.resolve("announce6.conf");
        Path conf = dir.resolve("bird.conf");
        announced.addAll(config.prefixes());
        writeAnnouncements();
        WorkDirs.write(conf, BirdConfig.main(config, announce4, announce6));
        daemon = Daemon.start("bird", netns,
                List.of(bird.toString(), "-f", "-c", conf.toString(), "-s", socket.toString()),
                dir.resolve("bird.log"),
                () -> birdc("show", "status").out().contains("Daemon is up and running"), READY_TIMEOUT);
    }

    @Override
    public synchronized void announce(Collection<String> prefixes) {
        if (announced.addAll(Prefixes.canonical(prefixes))) {
            reconfigure();
        }
    }

    @Override
    public synchronized void withdraw(Collection<String> prefixes) {
        if (announced.removeAll(Prefixes.canonical(prefixes))) {
            reconfigure();
        }
    }

    @Override
    public synchronized List<String> announced() {
        return List.copyOf(announced);
    }

    @Override
    public List<LearnedRoute> routes(Afi afi) {
        running();
        String table = afi == Afi.IPV4 ? "master4" : "master6";
        return BirdOutput.routes(birdc("show", "route", "table", table, "all", "where", "source", "=", "RTS_BGP")
                .orThrow());
    }

    @Override
    public String sessionState(String peerAddress) {
        running();
        Neighbour n = config.neighbour(peerAddress);
        return BirdOutput.bgpState(birdc("show", "protocols", "all", BirdConfig.protocolName(n.address())).orThrow());
    }

    @Override
    public List<String> kernelRoutes(Afi afi) {
        running();
        return KernelRoutes.of(netns, afi, "bird");
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

    private void reconfigure() {
        running();
        writeAnnouncements();
        Cli.Result r = birdc("configure");
        if (!r.ok() || !r.out().contains("Reconfigur")) {
            throw new IllegalStateException("birdc configure failed in " + netns + ": " + Cli.oneLine(r.out() + r.err()));
        }
    }

    private void writeAnnouncements() {
        List<String> all = new ArrayList<>(announced);
        WorkDirs.write(announce4, BirdConfig.announcements(Prefixes.ofFamily(all, Afi.IPV4)));
        WorkDirs.write(announce6, BirdConfig.announcements(Prefixes.ofFamily(all, Afi.IPV6)));
    }

    private Cli.Result birdc(String... args) {
        List<String> cmd = new ArrayList<>(List.of(birdc.toString(), "-s", socket.toString()));
        cmd.addAll(List.of(args));
        return Cli.run(cmd);
    }

    private Daemon running() {
        if (daemon == null) {
            throw new IllegalStateException("bird is not started: call start first");
        }
        return daemon;
    }
}
