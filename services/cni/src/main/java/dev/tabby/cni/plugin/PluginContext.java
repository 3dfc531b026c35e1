package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.datastore.status.NodeName;
import dev.tabby.netlink.Netlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the plugins share between calls: the etcd connections and the process's own environment (the daemon's, or
 * the plugin process's when it runs in-process). Settings come from the network configuration first, then the
 * caller's environment, then the process's.
 */
public final class PluginContext {
    /** The node's network namespace when it is not the process's own (a testbed node). */
    public static final String HOST_NETNS_VAR = "TABBY_CNI_HOST_NETNS";
    /** Calico's node name file, written by calico-node; read when it exists. */
    static final Path CALICO_NODENAME_FILE = Path.of("/var/lib/calico/nodename");

    private final Datastores datastores;
    private final Map<String, String> processEnv;

    public PluginContext(Datastores datastores, Map<String, String> processEnv) {
        this.datastores = datastores;
        this.processEnv = Map.copyOf(processEnv);
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

    /** A handle on the node's network namespace. */
    Supplier<Netlink> hostNetlink(NetConf conf, Map<String, String> callEnv) {
        String ns = conf.hostNetns() != null ? conf.hostNetns() : first(callEnv, processEnv, HOST_NETNS_VAR);
        if (ns == null) {
            return Netlink::open;
        }
        Path p = Path.of(ns);
        if (!Files.exists(p)) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "host_netns " + ns + " does not exist; it names the node's network namespace");
        }
        return () -> Netlink.at(p);
    }

    private static String first(Map<String, String> a, Map<String, String> b, String key) {
        String v = a.get(key);
        if (v == null || v.isBlank()) {
            v = b.get(key);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }
}
