package dev.tabby.model.v3;

import java.util.regex.Pattern;

/** The name rules Calico and Kubernetes share: DNS-1123 names, label keys and values, named ports. */
public final class Names {
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");

    private Names() {
    }

    /** A resource name: lower-case DNS-1123 subdomain, at most 253 characters. Null if fine, else why not. */
    public static String checkResourceName(String name) {
        if (name.length() > 253) {
            return "is " + name.length() + " characters long; at most 253 are allowed";
        }
        if (!DNS1123_SUBDOMAIN.matcher(name).matches()) {
            return "is not a valid name; use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
        }
        return null;
    }

    /** A namespace: lower-case DNS-1123 label, at most 63 characters. */
    public static String checkNamespace(String ns) {
        if (ns.length() > 63) {
            return "is " + ns.length() + " characters long; a namespace has at most 63";
        }
        if (!DNS1123_LABEL.matcher(ns).matches()) {
            return "is not a valid namespace; use lower-case letters, digits and '-', starting and ending with a letter or digit";
        }
        return null;
    }

    /** A label key: optional DNS-1123 prefix and '/', then a name of at most 63 characters. */
    public static String checkLabelKey(String key) {
        int slash = key.lastIndexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
                return "is not a valid label key: the prefix before '/' must be a lower-case DNS subdomain";
            }
        }
        if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            return "is not a valid label key: the name must be 1..63 characters of letters, digits, '-', '_' and '.', "
                    + "starting and ending with a letter or digit";
        }
        return null;
    }

    /** A label value: empty, or up to 63 characters of letters, digits, '-', '_' and '.'. */
    public static String checkLabelValue(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
            return "is not a valid label value: at most 63 characters of letters, digits, '-', '_' and '.', "
                    + "starting and ending with a letter or digit";
        }
        return null;
    }

    /** An IANA service name as Kubernetes uses for named ports. */
    public static boolean isPortName(String s) {
        return s.length() <= 15 && PORT_NAME.matcher(s).matches() && !s.contains("--")
                && s.chars().anyMatch(Character::isLetter);
    }
}
