package dev.tabby.probe;

import dev.tabby.datastore.status.NodeName;
import dev.tabby.probe.host.HostRoot;
import dev.tabby.probe.host.KernelConfig;
import dev.tabby.probe.host.KernelFacts;
import dev.tabby.probe.host.ProcessTable;
import dev.tabby.probe.modules.KernelModules;
import dev.tabby.probe.net.Firewall;
import dev.tabby.probe.net.RouteTable;
import dev.tabby.probe.net.SocketTable;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one probe run knows: the host, the modes in use, the options, and the host facts several checks share (read
 * once, on first use).
 */
public final class ProbeContext {
    private final HostRoot host;
    private final Set<Mode> modes;
    private final boolean peers;
    private final Map<String, String> env;
    private final String node;
    private final Clock clock;
    private final Duration peerTimeout;

    private final Memo<KernelFacts> kernel;
    private final Memo<KernelConfig> config;
    private final Memo<KernelModules> modules;
    private final Memo<ProcessTable> processes;
    private final Memo<SocketTable> sockets;
    private final Memo<Firewall> firewall;
    private final Memo<RouteTable> routes;

    private ProbeContext(Builder b) {
        this.host = b.host;
        this.modes = Set.copyOf(b.modes);
        this.peers = b.peers;
        this.env = Map.copyOf(b.env);
        this.clock = b.clock;
        this.peerTimeout = b.peerTimeout;
        this.node = b.node != null ? b.node : defaultNode(b.host, b.env);
        this.kernel = new Memo<>(() -> KernelFacts.read(host));
        this.config = new Memo<>(() -> KernelConfig.read(host, kernel().release()));
        this.modules = new Memo<>(() -> KernelModules.read(host, kernel(), kernelConfig()));
        this.processes = new Memo<>(() -> ProcessTable.read(host));
        this.sockets = new Memo<>(() -> SocketTable.read(host));
        this.firewall = new Memo<>(() -> Firewall.read(host));
        this.routes = new Memo<>(() -> RouteTable.read(host));
    }

    public static Builder builder(HostRoot host) {
        return new Builder(host);
    }

    public HostRoot host() {
        return host;
    }

    public Set<Mode> modes() {
        return modes;
    }

    public boolean inUse(Mode mode) {
        return modes.contains(mode);
    }

    /** How bad a problem is that only matters for {@code mode}: fail when it is in use, else a warning. */
    public Status severityFor(Mode mode) {
        return inUse(mode) ? Status.FAIL : Status.WARN;
    }

    public boolean peers() {
        return peers;
    }

    /** Environment for the datastore settings (TABBY_ETCD_*). */
    public Map<String, String> env() {
        return env;
    }

    public String node() {
        return node;
    }

    public Clock clock() {
        return clock;
    }

    public Duration peerTimeout() {
        return peerTimeout;
    }

    public KernelFacts kernel() {
        return kernel.get();
    }

    public KernelConfig kernelConfig() {
        return config.get();
    }

    public KernelModules modules() {
        return modules.get();
    }

    public ProcessTable processes() {
        return processes.get();
    }

    public SocketTable sockets() {
        return sockets.get();
    }

    public Firewall firewall() {
        return firewall.get();
    }

    /** The node's IPv4 main routing table (this process's network namespace on a live host). */
    public RouteTable routes() {
        return routes.get();
    }

    private static String defaultNode(HostRoot host, Map<String, String> env) {
        String fromEnv = env.get(NodeName.VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        if (!host.isSystemRoot()) {
            for (String file : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
                var name = host.read(file).firstLine();
                if (name.isPresent()) {
                    return name.get();
                }
            }
        }
        try {
            return NodeName.resolve(env);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** Reads a shared fact once; a failure is remembered and rethrown to every check that asks. */
    private static final class Memo<T> {
        private final Supplier<T> supplier;
        private T value;
        private RuntimeException failure;

        Memo(Supplier<T> supplier) {
            this.supplier = supplier;
        }

        synchronized T get() {
            if (value == null && failure == null) {
                try {
                    value = Objects.requireNonNull(supplier.get());
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
            return value;
        }
    }

    public static final class Builder {
        private final HostRoot host;
        private Set<Mode> modes = Mode.DEFAULT;
        private boolean peers;
        private Map<String, String> env = Map.of();
        private String node;
        private Clock clock = Clock.systemUTC();
        private Duration peerTimeout = Duration.ofSeconds(2);

        private Builder(HostRoot host) {
            this.host = Objects.requireNonNull(host, "host");
        }

        public Builder modes(Set<Mode> m) {
            this.modes = Objects.requireNonNull(m, "modes");
            return this;
        }

        public Builder peers(boolean p) {
            this.peers = p;
            return this;
        }

        public Builder env(Map<String, String> e) {
            this.env = Objects.requireNonNull(e, "env");
            return this;
        }

        public Builder node(String n) {
            this.node = n;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public Builder peerTimeout(Duration d) {
            this.peerTimeout = Objects.requireNonNull(d, "peerTimeout");
            return this;
        }

        public ProbeContext build() {
            return new ProbeContext(this);
        }
    }
}
