package dev.tabby.model.v3;

/**
 * The name rules Calico and Kubernetes share: DNS-1123 names, label keys and values, named ports. The formats
 * themselves are matched by {@link NameFormats}; this class gives the reasons.
 */
public final class Names {
    private Names() {
    }

    /** Calico's name formats (libcalico-go release-v3.18 lib/validator/v3/validator.go nameLabelFmt, nameSubdomainFmt). */
    private static final String LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN_FMT = LABEL_FMT + "(\\." + LABEL_FMT + ")*";
    private static final int MAX_NAME_LENGTH = 253;

    /**
     * A resource name: lower-case DNS-1123 subdomain, at most 253 characters (validator.go validateObjectMeta). Null if
     * fine, else why not, with Calico's reason.
     */
    public static String checkResourceName(String name) {
        if (name.length() > MAX_NAME_LENGTH) {
            return tooLong(name);
        }
        if (!NameFormats.dns1123Subdomain(name)) {
            return "is not a valid name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or"
                    + " digit (Calico: name must consist of lower case alphanumeric characters, '-' or '.' (regex: "
                    + SUBDOMAIN_FMT + "))";
        }
        return null;
    }

    /**
     * A value Calico checks with its {@code name} field validator (node names, profiles, orchestrator, community
     * names...): the subdomain format, with no length limit.
     */
    public static String checkNameField(String name) {
        if (!NameFormats.dns1123Subdomain(name)) {
            return "is not a valid name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or"
                    + " digit (Calico: failed to validate field because of tag: name)";
        }
        return null;
    }

    /** A NetworkPolicy name (validator.go validateNetworkPolicy): a DNS-1123 label, or {@code knp.default.<subdomain>}. */
    public static String checkNetworkPolicyName(String name) {
        String why = checkResourceName(name);
        if (why != null) {
            return why;
        }
        return NameFormats.networkPolicyName(name) ? null : policyNameReason(true);
    }

    /** A GlobalNetworkPolicy name (validator.go validateGlobalNetworkPolicy): a DNS-1123 label, no dots. */
    public static String checkGlobalNetworkPolicyName(String name) {
        String why = checkResourceName(name);
        if (why != null) {
            return why;
        }
        return NameFormats.dns1123Label(name) ? null : policyNameReason(false);
    }

    private static String policyNameReason(boolean k8sPrefixAllowed) {
        return "is not a valid policy name; use lower-case letters, digits and '-', no dots"
                + (k8sPrefixAllowed ? " (or a knp.default. name)" : "")
                + " (Calico: name must consist of lower case alphanumeric characters or '-' (regex: " + LABEL_FMT + "))";
    }

    private static String tooLong(String name) {
        return "is " + name.length() + " characters long; at most 253 are allowed (Calico: name is too long by "
                + (name.length() - MAX_NAME_LENGTH) + " bytes)";
    }

    /** A workload's container ID (validator.go containerIDRegex): letters of either case, digits and '-'. */
    public static String checkContainerId(String id) {
        if (!NameFormats.containerId(id)) {
            return "is not a container ID; letters, digits and '-', starting and ending with a letter or digit"
                    + " (Calico: failed to validate field because of tag: containerID)";
        }
        return null;
    }

    /** An endpoint's interface name (validator.go validateInterface): "*" or 1..15 of letters, digits, '_', '.', '-'. */
    public static String checkInterfaceName(String name) {
        if (name.equals("*") || NameFormats.interfaceName(name)) {
            return null;
        }
        return "is not an interface name; 1..15 letters, digits, '_', '.' or '-', or \"*\" for all"
                + " (Calico: failed to validate field because of tag: interface)";
    }

    /** A namespace: lower-case DNS-1123 label, at most 63 characters. */
    public static String checkNamespace(String ns) {
        if (ns.length() > 63) {
            return "is " + ns.length() + " characters long; a namespace has at most 63";
        }
        if (!NameFormats.dns1123Label(ns)) {
            return "is not a valid namespace; use lower-case letters, digits and '-', starting and ending with a letter or digit";
        }
        return null;
    }

    /** A label key: optional DNS-1123 prefix and '/', then a name of at most 63 characters. */
    public static String checkLabelKey(String key) {
        // Prefix key[0, slash) and name key[slash + 1, end) are checked in place: no substrings per label.
        int slash = key.lastIndexOf('/');
        int nameStart = slash + 1;
        int nameLength = key.length() - nameStart;
        if (slash >= 0) {
            if (slash == 0 || slash > 253 || !NameFormats.dns1123Subdomain(key, 0, slash)) {
                return "is not a valid label key: the prefix before '/' must be a lower-case DNS subdomain (Calico, from"
                        + " Kubernetes' IsQualifiedName: prefix part a DNS-1123 subdomain must consist of lower case"
                        + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character)";
            }
        }
        if (nameLength == 0 || nameLength > 63 || !NameFormats.qualifiedName(key, nameStart, key.length())) {
            return "is not a valid label key: the name must be 1..63 characters of letters, digits, '-', '_' and '.', "
                    + "starting and ending with a letter or digit (Calico, from Kubernetes' IsQualifiedName: "
                    + (nameLength > 63 ? "name part must be no more than 63 characters"
                    : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with"
                    + " an alphanumeric character") + ")";
        }
        return null;
    }

    /** A label value: empty, or up to 63 characters of letters, digits, '-', '_' and '.'. */
    public static String checkLabelValue(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 63 || !NameFormats.qualifiedName(value)) {
            return "is not a valid label value: at most 63 characters of letters, digits, '-', '_' and '.', "
                    + "starting and ending with a letter or digit (Calico, from Kubernetes' IsValidLabelValue: "
                    + (value.length() > 63 ? "must be no more than 63 characters"
                    : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.',"
                    + " and must start and end with an alphanumeric character") + ")";
        }
        return null;
    }

    /**
     * An IANA service name as Kubernetes uses for an endpoint's named ports (k8s.io/apimachinery
     * util/validation IsValidPortName, which validator.go validatePortName calls): 1..15 lower-case letters, digits
     * and '-', at least one letter, no leading, trailing or doubled '-'.
     */
    public static boolean isPortName(String s) {
        return NameFormats.portName(s);
    }
}
