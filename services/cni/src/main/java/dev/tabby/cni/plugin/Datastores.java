package dev.tabby.cni.plugin;

import dev.tabby.datastore.DatastoreConfigException;
import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.ipam.Ipam;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * etcd connections for plugin calls. The daemon keeps one per distinct etcd configuration for its whole life, so a
 * call pays no connection set-up; an in-process call opens one and closes it on exit.
 */
public final class Datastores implements AutoCloseable {

    /** One etcd: the raw keys, the v3 resources and IPAM over the same connection. */
    public record Datastore(KeyValueStore kv, ResourceStore resources, Ipam ipam) {
        static Datastore connect(EtcdConfig config) {
            KeyValueStore kv = KeyValueStore.connect(config);
            return new Datastore(kv, new ResourceStore(kv), new Ipam(kv));
        }
    }

    private final Map<EtcdConfig, Datastore> open = new ConcurrentHashMap<>();

    public Datastore get(EtcdConfig config) {
        return open.computeIfAbsent(config, Datastore::connect);
    }

    /**
     * Where etcd is for this call: the process's TABBY_ETCD_* variables, overridden by the caller's, overridden by
     * the network configuration's Calico keys ({@code etcd_endpoints}, {@code etcd_ca_cert_file},
     * {@code etcd_cert_file}, {@code etcd_key_file}).
     */
    public static EtcdConfig configFor(NetConf conf, Map<String, String> callEnv, Map<String, String> processEnv) {
        Map<String, String> env = new HashMap<>();
        processEnv.forEach((k, v) -> {
            if (k.startsWith("TABBY_ETCD_")) {
                env.put(k, v);
            }
        });
        callEnv.forEach((k, v) -> {
            if (k.startsWith("TABBY_ETCD_")) {
                env.put(k, v);
            }
        });
        putIfSet(env, EtcdConfig.ENDPOINTS_VAR, conf.etcdEndpoints());
        putIfSet(env, EtcdConfig.CA_FILE_VAR, conf.etcdCaCertFile());
        putIfSet(env, EtcdConfig.CERT_FILE_VAR, conf.etcdCertFile());
        putIfSet(env, EtcdConfig.KEY_FILE_VAR, conf.etcdKeyFile());
        try {
            return EtcdConfig.fromEnvironment(env);
        } catch (DatastoreConfigException e) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "etcd settings: " + e.getMessage()
                    + " (the network configuration's etcd_endpoints and etcd_*_file keys set these)");
        }
    }

    private static void putIfSet(Map<String, String> env, String key, String value) {
        if (value != null && !value.isBlank()) {
            env.put(key, value);
        }
    }

    @Override
    public void close() {
        open.values().forEach(d -> d.kv().close());
        open.clear();
    }
}
