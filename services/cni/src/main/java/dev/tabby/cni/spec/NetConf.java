package dev.tabby.cni.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The network configuration on stdin, with the keys Tabby reads. Keys Calico's plugin reads keep Calico's names
 * ({@code etcd_endpoints}, {@code nodename}, {@code mtu}, {@code log_level}, {@code ipam.assign_ipv6}, ...), so a
 * Calico conflist needs only {@code type} changed. Unknown keys are ignored, as the spec asks.
 *
 * @param mtu         0: the node's tunnel MTU (its MTU file), else the detected one; above 0: this, but never more
 *                    than the node's tunnel MTU
 * @param policyType  {@code policy.type} ("k8s" under Kubernetes), or null: Calico's plugin creates the network's
 *                    Profile only when it is unset (pkg/plugin/plugin.go, conf.Policy.PolicyType == "")
 * @param policySetupTimeoutSeconds {@code policy_setup_timeout_seconds}: how long ADD waits for the endpoint's policy;
 *                    0 = do not wait, null = unset (the environment or the default decides)
 * @param prevResult  the previous result for CHECK and DEL, or null
 * @param raw         the whole configuration, for handing on to a delegated IPAM plugin
 */
public record NetConf(String cniVersion, String name, String type, IpamConf ipam, int mtu, String etcdEndpoints,
                      String etcdCaCertFile, String etcdCertFile, String etcdKeyFile, String nodename,
                      String nodenameFile, String logLevel, String policyType, Integer policySetupTimeoutSeconds,
                      JsonNode prevResult, ObjectNode raw) {

    /** The key that bounds ADD's wait for the endpoint's policy (Tabby's; Calico v3.18's plugin does not wait). */
    public static final String POLICY_SETUP_TIMEOUT_KEY = "policy_setup_timeout_seconds";

    /** The {@code ipam} section. {@code assignIpv4} defaults to true; {@code assignIpv6} null means "if a pool exists". */
    public record IpamConf(String type, boolean assignIpv4, Boolean assignIpv6, List<String> ipv4Pools,
                           List<String> ipv6Pools) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NETWORK_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warning", "warn", "error", "fatal", "panic", "none");

    /** Parses stdin: malformed JSON is code 6, a well-formed configuration with wrong values code 7. */
    public static NetConf parse(byte[] stdin) {
        ObjectNode root = parseObject(stdin);
        String version = text(root, "cniVersion");
        if (version == null) {
            throw invalid("cniVersion is missing; set it to one of " + String.join(", ", CniVersions.SUPPORTED));
        }
        if (!CniVersions.isSupported(version)) {
            throw CniVersions.unsupported(version);
        }
        String name = text(root, "name");
        if (name == null || !NETWORK_NAME.matcher(name).matches()) {
            throw invalid(name == null ? "name is missing; every network configuration needs a name, e.g. \"k8s-pod-network\""
                    : "name \"" + name + "\" is not a network name; use letters, digits, '_', '.' and '-', starting with a letter or digit");
        }
        String type = text(root, "type");
        if (type == null) {
            throw invalid("type is missing; it names the plugin, e.g. \"tabby\"");
        }
        String datastore = text(root, "datastore_type");
        if (datastore != null && !datastore.equals("etcdv3")) {
            throw invalid("datastore_type \"" + datastore + "\" is not supported; Tabby uses etcd v3 only (\"etcdv3\")");
        }
        int mtu = 0;
        JsonNode m = root.get("mtu");
        if (m != null && !m.isNull()) {
            if (m.isIntegralNumber() && m.canConvertToInt()) {
                mtu = m.asInt();
            } else if (m.isTextual()) {
                mtu = parseMtu(m.asText());
            } else {
                throw invalid("mtu " + m + " is not a whole number; use e.g. 1440, or leave it out for the node's detected MTU");
            }
            if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
                throw invalid("mtu " + mtu + " is out of range; use 68..65535, or 0 (or leave it out) for the node's detected MTU");
            }
        }
        String logLevel = text(root, "log_level");
        if (logLevel != null && !LOG_LEVELS.contains(logLevel.toLowerCase(Locale.ROOT))) {
            throw invalid("log_level \"" + logLevel + "\" is not a level; use debug, info, warning or error");
        }
        JsonNode prev = root.get("prevResult");
        if (prev != null && !prev.isNull() && !prev.isObject()) {
            throw invalid("prevResult must be an object (the result of the previous ADD)");
        }
        return new NetConf(version, name, type, ipam(root), mtu, text(root, "etcd_endpoints"),
                text(root, "etcd_ca_cert_file"), text(root, "etcd_cert_file"), text(root, "etcd_key_file"),
                text(root, "nodename"), text(root, "nodename_file"),
                logLevel == null ? "info" : logLevel.toLowerCase(Locale.ROOT), policyType(root),
                policySetupTimeout(root), prev == null || prev.isNull() ? null : prev, root);
    }

    /** Only the version, for VERSION (whose stdin is {@code {"cniVersion": ...}}) and for error results. */
    public static String versionOrDefault(byte[] stdin) {
        try {
            JsonNode root = JSON.readTree(stdin);
            JsonNode v = root == null ? null : root.get("cniVersion");
            return v != null && v.isTextual() && CniVersions.isSupported(v.asText()) ? v.asText() : CniVersions.CURRENT;
        } catch (Exception e) {
            return CniVersions.CURRENT;
        }
    }

    public ObjectMapper mapper() {
        return JSON;
    }

    private static ObjectNode parseObject(byte[] stdin) {
        if (stdin == null || stdin.length == 0 || new String(stdin).isBlank()) {
            throw new CniError(CniError.DECODING_FAILURE, "stdin is empty; the runtime must pass the network configuration (JSON) on stdin");
        }
        JsonNode root;
        try {
            root = JSON.readTree(stdin);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new CniError(CniError.DECODING_FAILURE, "the network configuration on stdin is not valid JSON" + where
                    + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new CniError(CniError.IO_FAILURE, "cannot read the network configuration from stdin: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CniError(CniError.DECODING_FAILURE, "the network configuration on stdin must be a JSON object, not "
                    + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        return (ObjectNode) root;
    }

    private static IpamConf ipam(ObjectNode root) {
        JsonNode node = root.get("ipam");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("ipam must be an object, e.g. {\"type\": \"tabby-ipam\"}");
        }
        ObjectNode o = (ObjectNode) node;
        String type = text(o, "type", "ipam.type");
        if (type == null) {
            throw invalid("ipam.type is missing; use \"tabby-ipam\" (or another IPAM plugin found in CNI_PATH)");
        }
        Boolean v4 = bool(o, "assign_ipv4");
        Boolean v6 = bool(o, "assign_ipv6");
        return new IpamConf(type, v4 == null || v4, v6, strings(o, "ipv4_pools"), strings(o, "ipv6_pools"));
    }

    /** Calico's {@code "policy": {"type": "k8s"}}; null when there is no policy section or no type. */
    private static String policyType(ObjectNode root) {
        JsonNode node = root.get("policy");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("policy must be an object, e.g. {\"type\": \"k8s\"}, or left out");
        }
        return text((ObjectNode) node, "type", "policy.type");
    }

    private static Integer policySetupTimeout(ObjectNode root) {
        JsonNode n = root.get(POLICY_SETUP_TIMEOUT_KEY);
        if (n == null || n.isNull()) {
            return null;
        }
        long seconds;
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            seconds = n.asInt();
        } else if (n.isTextual() && n.asText().trim().matches("-?[0-9]{1,9}")) {
            seconds = Long.parseLong(n.asText().trim());
        } else {
            throw invalid(POLICY_SETUP_TIMEOUT_KEY + " " + n + " is not a whole number of seconds; use e.g. 10, or 0 not to wait");
        }
        if (seconds < 0) {
            throw invalid(POLICY_SETUP_TIMEOUT_KEY + " " + seconds + " is negative; use a number of seconds, or 0 not to wait");
        }
        return (int) seconds;
    }

    private static String text(ObjectNode o, String key) {
        return text(o, key, key);
    }

    private static String text(ObjectNode o, String key, String path) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid(path + " must be a string, not " + n);
        }
        return n.asText().isBlank() ? null : n.asText();
    }

    /** Calico writes these as strings ("true"); JSON booleans are taken too. */
    private static Boolean bool(ObjectNode o, String key) {
        JsonNode n = o.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isTextual() && (n.asText().equalsIgnoreCase("true") || n.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(n.asText());
        }
        throw invalid("ipam." + key + " must be \"true\" or \"false\", not " + n);
    }

    private static List<String> strings(ObjectNode o, String key) {
        JsonNode n = o.get(key);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            throw invalid("ipam." + key + " must be a list of pool CIDRs or names, e.g. [\"10.65.0.0/16\"]");
        }
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isBlank()) {
                throw invalid("ipam." + key + " holds " + e + "; each entry is a pool CIDR or name");
            }
            out.add(e.asText().trim());
        }
        return out;
    }

    private static int parseMtu(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw invalid("mtu \"" + s + "\" is not a number; use e.g. 1440, or leave it out for the node's detected MTU");
        }
    }

    private static CniError invalid(String msg) {
        return new CniError(CniError.INVALID_NETWORK_CONFIG, msg);
    }
}
