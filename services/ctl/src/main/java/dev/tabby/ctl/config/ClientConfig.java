package dev.tabby.ctl.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Where tabbyctl finds etcd. In order of precedence: {@code --etcd-endpoints}, the TABBY_ETCD_* environment, a
 * calicoctl-style config file ({@code kind: CalicoAPIConfig}, default {@code /etc/tabby/tabbyctl.cfg}), then
 * {@code http://127.0.0.1:2379}.
 */
public final class ClientConfig {
    public static final Path DEFAULT_FILE = Path.of("/etc/tabby/tabbyctl.cfg");

    /** calicoctl's spec fields and the variable each one stands for. */
    private static final Map<String, String> FILE_FIELDS = Map.of(
            "etcdEndpoints", EtcdConfig.ENDPOINTS_VAR,
            "etcdCACertFile", EtcdConfig.CA_FILE_VAR,
            "etcdCertFile", EtcdConfig.CERT_FILE_VAR,
            "etcdKeyFile", EtcdConfig.KEY_FILE_VAR,
            "etcdUsername", EtcdConfig.USERNAME_VAR,
            "etcdPassword", EtcdConfig.PASSWORD_VAR);
    private static final Set<String> OTHER_FIELDS = Set.of("datastoreType");

    private ClientConfig() {
    }

    /**
     * @param endpointsFlag the --etcd-endpoints value, or null
     * @param file          the --config value, or null for the default (read only if it exists)
     */
    public static EtcdConfig resolve(String endpointsFlag, Path file, Map<String, String> env) {
        Map<String, String> settings = new HashMap<>();
        Path configFile = file != null ? file : DEFAULT_FILE;
        if (file != null || Files.exists(DEFAULT_FILE)) {
            settings.putAll(readFile(configFile));
        }
        env.forEach((k, v) -> {
            if (k.startsWith("TABBY_ETCD_") && v != null && !v.isBlank()) {
                settings.put(k, v);
            }
        });
        if (endpointsFlag != null) {
            settings.put(EtcdConfig.ENDPOINTS_VAR, endpointsFlag);
        }
        return EtcdConfig.fromEnvironment(settings);
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
        String type = spec.path("datastoreType").asText("etcdv3");
        if (!type.equals("etcdv3")) {
            throw new IllegalArgumentException("config file " + file + ": spec.datastoreType \"" + type + "\" is not supported; Tabby uses etcdv3");
        }
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            String var = FILE_FIELDS.get(field);
            if (var == null && !OTHER_FIELDS.contains(field)) {
                throw new IllegalArgumentException("config file " + file + ": unknown field spec." + field
                        + "; allowed: datastoreType, " + String.join(", ", new java.util.TreeSet<>(FILE_FIELDS.keySet())));
            }
            if (var != null) {
                out.put(var, spec.get(field).asText());
            }
        }
        return out;
    }
}
