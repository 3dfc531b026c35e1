package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.events.EventSink;
import dev.tabby.netlink.Netlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the plugins share between calls: the etcd connections and the process's own environment (the daemon's, or
 * the plugin process's when it runs in-process). Settings come from the network configuration first, then the
 * caller's environment, then the process's.
 *
 * <p>The plugin and its daemon run in the node's own network namespace, so the host side of every workload is
 * {@link Netlink#open()}. Only code can point it elsewhere ({@link #withHostNetlink}: tests that serve a node
 * namespace of their own from their JVM); no configuration key or environment variable can.
 */
public final class PluginContext {
    /** Calico's node name file, written by calico-node; read when it exists. */
    static final Path CALICO_NODENAME_FILE = Path.of("/var/lib/calico/nodename");
    /** The node's tunnel MTU as vxlan-manager publishes it: Tabby's /var/lib/calico/mtu. */
    public static final Path DEFAULT_MTU_FILE = Path.of("/var/lib/tabby/mtu");
    /** How long a delegated IPAM plugin (host-local, ...) may take before it is killed. */
    public static final Duration DEFAULT_DELEGATE_TIMEOUT = Duration.ofSeconds(60);

    private final Datastores datastores;
    private final Map<String, String> processEnv;
    private final Supplier<Netlink> hostNetlink;
    private final Path mtuFile;
    private final Duration delegateTimeout;
    private final EventSink events;

    /** The production context: the host is this process's network namespace, the MTU file its default path. */
    public PluginContext(Datastores datastores, Map<String, String> processEnv) {
        this(datastores, Map.copyOf(processEnv), Netlink::open, DEFAULT_MTU_FILE, DEFAULT_DELEGATE_TIMEOUT,
                EventSink.NONE);
    }

    private PluginContext(Datastores datastores, Map<String, String> processEnv, Supplier<Netlink> hostNetlink,
                          Path mtuFile, Duration delegateTimeout, EventSink events) {
        this.events = Objects.requireNonNull(events);
        this.datastores = datastores;
        this.processEnv = processEnv;
        this.hostNetlink = Objects.requireNonNull(hostNetlink);
        this.mtuFile = Objects.requireNonNull(mtuFile);
        this.delegateTimeout = Objects.requireNonNull(delegateTimeout);
    }

    /** The same context with the node's side opened by {@code host} instead of {@link Netlink#open()}. */
    public PluginContext withHostNetlink(Supplier<Netlink> host) {
        return new PluginContext(datastores, processEnv, host, mtuFile, delegateTimeout, events);
    }

    /** The same context reading the node's tunnel MTU from {@code file} instead of {@link #DEFAULT_MTU_FILE}. */
    public PluginContext withMtuFile(Path file) {
        return new PluginContext(datastores, processEnv, hostNetlink, file, delegateTimeout, events);
    }

    /** The same context giving a delegated IPAM plugin {@code timeout} instead of {@link #DEFAULT_DELEGATE_TIMEOUT}. */
    public PluginContext withDelegateTimeout(Duration timeout) {
        return new PluginContext(datastores, processEnv, hostNetlink, mtuFile, timeout, events);
    }

    /**
     * The same context reporting workloads added, deleted and ADDs failed to {@code sink} (the daemon's events,
     * issue 15); the in-process plugin reports nothing, as its process ends with the call.
     */
    public PluginContext withEvents(EventSink sink) {
        return new PluginContext(datastores, processEnv, hostNetlink, mtuFile, delegateTimeout, sink);
    }

    EventSink events() {
        return events;
    }

    public Datastores datastores() {
        return datastores;
    }

    Datastores.Datastore datastore(NetConf conf, Map<String, String> callEnv) {
        return datastores.get(Datastores.configFor(conf, callEnv, processEnv));
    }

    /**
     * The node this workload lives on: {@code nodename}, else the file {@code nodename_file} names, else
     * TABBY_NODENAME, else Calico's /var/lib/calico/nodename, else the host name.
     */
    String nodeName(NetConf conf, Map<String, String> callEnv) {
        if (conf.nodename() != null) {
            return conf.nodename().trim();
        }
        if (conf.nodenameFile() != null) {
            try {
                String n = Files.readString(Path.of(conf.nodenameFile())).trim();
                if (!n.isEmpty()) {
                    return n;
                }
            } catch (IOException e) {
                throw new CniError(CniError.INVALID_NETWORK_CONFIG, "nodename_file " + conf.nodenameFile() + " cannot be read: "
                        + e.getMessage() + "; is the node agent running, or set nodename");
            }
        }
        String fromEnv = first(callEnv, processEnv, NodeName.VARIABLE);
        if (fromEnv != null) {
            return fromEnv;
        }
        if (Files.isReadable(CALICO_NODENAME_FILE)) {
            try {
                String n = Files.readString(CALICO_NODENAME_FILE).trim();
                if (!n.isEmpty()) {
                    return n;
                }
            } catch (IOException e) {
                // the host name then
            }
        }
        return NodeName.resolve(Map.of());
    }

    /** Opens a handle on the node's network namespace. */
    Netlink openHost() {
        return hostNetlink.get();
    }

    Path mtuFile() {
        return mtuFile;
    }

    Duration delegateTimeout() {
        return delegateTimeout;
    }

    Map<String, String> processEnv() {
        return processEnv;
    }

    private static String first(Map<String, String> a, Map<String, String> b, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            v = b.get(key);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }
}
