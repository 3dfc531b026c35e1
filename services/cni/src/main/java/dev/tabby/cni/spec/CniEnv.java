package dev.tabby.cni.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The CNI_* environment of one plugin call, as spec 1.0.0 defines it. Parsing checks what every command needs;
 * {@link #requireContainer} and {@link #requireNetns} check what ADD, DEL and CHECK need on top.
 *
 * @param args CNI_ARGS split into its {@code KEY=VALUE} pairs (K8S_POD_NAMESPACE, K8S_POD_NAME, ...)
 */
public record CniEnv(String command, String containerId, String netns, String ifName, Map<String, String> args,
                     String path) {

    public static final String K8S_POD_NAMESPACE = "K8S_POD_NAMESPACE";
    public static final String K8S_POD_NAME = "K8S_POD_NAME";
    /** Tabby's own CNI_ARGS key: the pod's service account, which Calico would read from the Kubernetes API. */
    public static final String K8S_POD_SERVICE_ACCOUNT = "K8S_POD_SERVICE_ACCOUNT";

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    public CniEnv {
        args = Collections.unmodifiableMap(new LinkedHashMap<>(args));
    }

    public static CniEnv parse(Map<String, String> env) {
        String command = env.get("CNI_COMMAND");
        if (command == null || command.isBlank()) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set; a runtime sets it to ADD, DEL, CHECK or VERSION");
        }
        command = command.trim().toUpperCase(Locale.ROOT);
        if (!command.equals("ADD") && !command.equals("DEL") && !command.equals("CHECK") && !command.equals("VERSION")) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND=" + env.get("CNI_COMMAND")
                    + " is not a CNI command; expected ADD, DEL, CHECK or VERSION");
        }
        return new CniEnv(command, blankToNull(env.get("CNI_CONTAINERID")), blankToNull(env.get("CNI_NETNS")),
                blankToNull(env.get("CNI_IFNAME")), parseArgs(env.get("CNI_ARGS")), blankToNull(env.get("CNI_PATH")));
    }

    /** ADD, DEL and CHECK need the container ID and the interface name. */
    public CniEnv requireContainer() {
        if (containerId == null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_CONTAINERID is not set; " + command + " needs the container's ID");
        }
        if (!CONTAINER_ID.matcher(containerId).matches()) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_CONTAINERID=\"" + containerId
                    + "\" is not a container ID; it must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
        }
        if (ifName == null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME is not set; " + command
                    + " needs the interface name to create inside the container, e.g. eth0");
        }
        if (ifName.length() > 15 || ifName.equals(".") || ifName.equals("..") || ifName.contains("/")
                || ifName.contains(":") || ifName.chars().anyMatch(Character::isWhitespace)) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_IFNAME=\"" + ifName
                    + "\" is not a Linux interface name; use 1..15 characters without '/', ':' or spaces, e.g. eth0");
        }
        return this;
    }

    /** ADD and CHECK need the container's network namespace. */
    public CniEnv requireNetns() {
        if (netns == null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_NETNS is not set; " + command
                    + " needs the container's network namespace, e.g. /var/run/netns/NAME or /proc/PID/ns/net");
        }
        return this;
    }

    /** Kubernetes pods are recognised as Calico recognises them: both the namespace and the name are given. */
    public boolean isKubernetes() {
        return podNamespace() != null && podName() != null;
    }

    public String podNamespace() {
        return blankToNull(args.get(K8S_POD_NAMESPACE));
    }

    public String podName() {
        return blankToNull(args.get(K8S_POD_NAME));
    }

    public String serviceAccount() {
        return blankToNull(args.get(K8S_POD_SERVICE_ACCOUNT));
    }

    /** CNI_ARGS: {@code KEY=VALUE} pairs separated by ';'. Unknown keys are kept and ignored. */
    static Map<String, String> parseArgs(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isBlank()) {
            return out;
        }
        for (String pair : raw.split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_ARGS=\"" + raw + "\": \"" + pair
                        + "\" is not KEY=VALUE; the pairs are separated by ';', e.g. K8S_POD_NAMESPACE=ns;K8S_POD_NAME=pod");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
