package dev.tabby.ctl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tabby.datastore.DatastoreConfigException;
import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where tabbyctl finds etcd. Tabby's own names first: {@code --etcd-endpoints}, then the TABBY_ETCD_* environment.
 * Then as calicoctl v3.18 reads its configuration (calicoctl/commands/clientmgr LoadClientConfig, libcalico-go
 * lib/apiconfig/load.go): the file {@code --config} names (it must exist), else the first default file that exists
 * ({@code /etc/tabby/tabbyctl.cfg}, then calicoctl's {@code /etc/calico/calicoctl.cfg}), each a
 * {@code CalicoAPIConfig}; with no file, calicoctl's variables ({@code CALICO_ETCD_ENDPOINTS} or
 * {@code ETCD_ENDPOINTS}, and so on, as envconfig reads them with the "calico" prefix). Last
 * {@code http://127.0.0.1:2379}. Tabby stores in etcd only, so a datastore type of {@code kubernetes} is refused with
 * a clear error; where calicoctl would default to kubernetes (no endpoints anywhere), Tabby uses the local etcd.
 */
public final class ClientConfig {
    public static final Path DEFAULT_FILE = Path.of("/etc/tabby/tabbyctl.cfg");
    public static final Path CALICOCTL_FILE = Path.of("/etc/calico/calicoctl.cfg");
    private static final List<Path> DEFAULT_FILES = List.of(DEFAULT_FILE, CALICOCTL_FILE);

    /** The spec fields (and calicoctl's variable names) Tabby uses, and the TABBY_ETCD_* variable each stands for. */
    private static final Map<String, String> FILE_FIELDS = new LinkedHashMap<>();
    private static final Map<String, String> CALICO_VARS = new LinkedHashMap<>();

    static {
        field("etcdEndpoints", "ETCD_ENDPOINTS", EtcdConfig.ENDPOINTS_VAR);
        field("etcdCACertFile", "ETCD_CA_CERT_FILE", EtcdConfig.CA_FILE_VAR);
        field("etcdCertFile", "ETCD_CERT_FILE", EtcdConfig.CERT_FILE_VAR);
        field("etcdKeyFile", "ETCD_KEY_FILE", EtcdConfig.KEY_FILE_VAR);
        field("etcdUsername", "ETCD_USERNAME", EtcdConfig.USERNAME_VAR);
        field("etcdPassword", "ETCD_PASSWORD", EtcdConfig.PASSWORD_VAR);
    }

    /** v3.18 CalicoAPIConfigSpec fields for the Kubernetes datastore: valid in calicoctl's file, unused by Tabby. */
    private static final Set<String> KUBERNETES_FIELDS = Set.of("kubeconfig", "k8sAPIEndpoint", "k8sKeyFile",
            "k8sCertFile", "k8sCAFile", "k8sAPIToken", "k8sInsecureSkipTLSVerify", "k8sDisableNodePoll", "usePodCIDR",
            "k8sClientQPS", "k8sCurrentContext");

    /** v3.18's inline certificate fields, and the file field to use instead. */
    private static final Map<String, String> INLINE_PEM = Map.of("etcdCACert", "etcdCACertFile", "etcdCert",
            "etcdCertFile", "etcdKey", "etcdKeyFile");

    private static void field(String json, String calicoVar, String tabbyVar) {
        FILE_FIELDS.put(json, tabbyVar);
        CALICO_VARS.put(calicoVar, tabbyVar);
    }

    private ClientConfig() {
    }

    /**
     * @param endpointsFlag the --etcd-endpoints value, or null
     * @param file          the --config value, or null for the default files (read only if they exist)
     */
    public static EtcdConfig resolve(String endpointsFlag, Path file, Map<String, String> env) {
        return resolve(endpointsFlag, file, env, DEFAULT_FILES);
    }

    static EtcdConfig resolve(String endpointsFlag, Path file, Map<String, String> env, List<Path> defaultFiles) {
        Map<String, String> sources = new HashMap<>(); // TABBY_ETCD_* name -> where the operator set it
        Map<String, String> settings = new HashMap<>(calicoSettings(file, env, defaultFiles, sources));
        env.forEach((k, v) -> {
            if (k.startsWith("TABBY_ETCD_") && v != null && !v.isBlank()) {
                settings.put(k, v);
                sources.remove(k);
            }
        });
        if (endpointsFlag != null) {
            settings.put(EtcdConfig.ENDPOINTS_VAR, endpointsFlag);
            sources.put(EtcdConfig.ENDPOINTS_VAR, "--etcd-endpoints");
        }
        try {
            return EtcdConfig.fromEnvironment(settings);
        } catch (DatastoreConfigException e) {
            // The datastore names its own variables; the operator set the value elsewhere: name that place instead.
            String message = e.getMessage();
            for (Map.Entry<String, String> src : sources.entrySet()) {
                message = message.replace(src.getKey(), src.getValue());
            }
            throw new DatastoreConfigException(message, e);
        }
    }

    /** What calicoctl would read: the file, or with no file its environment; as TABBY_ETCD_* settings. */
    private static Map<String, String> calicoSettings(Path file, Map<String, String> env, List<Path> defaultFiles,
                                                      Map<String, String> sources) {
        Path chosen = file;
        if (file != null && !Files.exists(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist; name an existing "
                    + "CalicoAPIConfig file, or leave out --config to use " + defaultFiles.get(0) + ", "
                    + defaultFiles.get(defaultFiles.size() - 1) + " or the environment");
        }
        for (int i = 0; chosen == null && i < defaultFiles.size(); i++) {
            chosen = Files.exists(defaultFiles.get(i)) ? defaultFiles.get(i) : null;
        }
        if (chosen == null) {
            Map<String, String> fromEnv = readEnvironment(env);
            CALICO_VARS.forEach((name, tabbyVar) -> sources.put(tabbyVar,
                    env.get("CALICO_" + name) != null && !env.get("CALICO_" + name).isBlank() ? "CALICO_" + name : name));
            return fromEnv;
        }
        Path from = chosen;
        FILE_FIELDS.forEach((field, tabbyVar) -> sources.put(tabbyVar, "config file " + from + " spec." + field));
        return readFile(chosen);
    }

    /** envconfig with prefix "calico": CALICO_&lt;NAME&gt; wins over &lt;NAME&gt;. */
    private static String calicoVar(Map<String, String> env, String name) {
        String v = env.get("CALICO_" + name);
        if (v == null || v.isBlank()) {
            v = env.get(name);
        }
        return v == null || v.isBlank() ? null : v;
    }

    static Map<String, String> readEnvironment(Map<String, String> env) {
        String type = calicoVar(env, "DATASTORE_TYPE");
        checkDatastore(type, "DATASTORE_TYPE=" + type);
        Map<String, String> out = new HashMap<>();
        CALICO_VARS.forEach((name, tabbyVar) -> {
            String v = calicoVar(env, name);
            if (v != null) {
                out.put(tabbyVar, v);
            }
        });
        if (calicoVar(env, "ETCD_DISCOVERY_SRV") != null && !out.containsKey(EtcdConfig.ENDPOINTS_VAR)) {
            throw new IllegalArgumentException("ETCD_DISCOVERY_SRV is not supported; list the endpoints in ETCD_ENDPOINTS");
        }
        return out;
    }

    private static void checkDatastore(String type, String where) {
        if (type != null && !type.equals("etcdv3")) {
            throw new IllegalArgumentException(where + ": Tabby stores in etcd only; set etcdv3 (or leave it out) and "
                    + "give the etcd endpoints" + (type.equals("kubernetes") ? " (the Kubernetes datastore is not supported)" : ""));
        }
    }

    static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !"CalicoAPIConfig".equals(root.path("kind").asText())) {
            throw new IllegalArgumentException("config file " + file + " is not a CalicoAPIConfig; expected kind: CalicoAPIConfig with spec.etcdEndpoints");
        }
        Map<String, String> out = new HashMap<>();
        JsonNode spec = root.path("spec");
        checkDatastore(spec.hasNonNull("datastoreType") ? spec.get("datastoreType").asText() : null,
                "config file " + file + ": spec.datastoreType \"" + spec.path("datastoreType").asText() + "\"");
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            String var = FILE_FIELDS.get(field);
            if (var != null) {
                out.put(var, spec.get(field).asText());
            } else if (INLINE_PEM.containsKey(field)) {
                throw new IllegalArgumentException("config file " + file + ": spec." + field + " (an inline PEM) is not "
                        + "supported; put it in a file and name that in spec." + INLINE_PEM.get(field));
            } else if (field.equals("etcdDiscoverySrv")) {
                if (!spec.hasNonNull("etcdEndpoints")) {
                    throw new IllegalArgumentException("config file " + file
                            + ": spec.etcdDiscoverySrv is not supported; list the endpoints in spec.etcdEndpoints");
                }
            } else if (!field.equals("datastoreType") && !KUBERNETES_FIELDS.contains(field)) {
                Set<String> allowed = new TreeSet<>(FILE_FIELDS.keySet());
                allowed.add("datastoreType");
                throw new IllegalArgumentException("config file " + file + ": unknown field spec." + field
                        + "; allowed: " + String.join(", ", allowed));
            }
        }
        // After the fields, as calicoctl parses strictly first and checks the version after.
        String version = root.path("apiVersion").asText("");
        if (!version.equals("projectcalico.org/v3")) {
            throw new IllegalArgumentException("config file " + file + ": apiVersion \"" + version
                    + "\" is not projectcalico.org/v3");
        }
        return out;
    }
}
