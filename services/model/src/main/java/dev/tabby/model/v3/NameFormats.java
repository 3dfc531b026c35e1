package dev.tabby.model.v3;

import dev.tabby.model.Ascii;

/**
 * Whether a string has one of the name formats Calico and Kubernetes check, answered by char loops instead of
 * {@code java.util.regex}: these run for every name and label of every resource decoded from etcd, and a regex match
 * allocates a Matcher (and its group arrays) each time, which at thousands of nodes and tens of thousands of endpoints
 * was most of a full list decode's garbage. Each method stands for the whole-string match of the regex it names; the
 * empty string has none of these formats. NameFormatsTest checks each against its regex.
 *
 * <p>The {@code from, to} forms look at {@code s[from, to)} only, so a label key's prefix and name are checked in
 * place.
 */
public final class NameFormats {
    private NameFormats() {
    }

    /**
     * {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?}: libcalico-go release-v3.18 lib/validator/v3/validator.go nameLabelFmt,
     * Kubernetes' dns1123LabelFmt (IsDNS1123Label).
     */
    public static boolean dns1123Label(String s) {
        return dns1123Label(s, 0, s.length());
    }

    public static boolean dns1123Label(String s, int from, int to) {
        if (from >= to || !Ascii.isLowerAlnum(s.charAt(from)) || !Ascii.isLowerAlnum(s.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!Ascii.isLowerAlnum(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}: validator.go nameSubdomainFmt (nameRegex),
     * Kubernetes' dns1123SubdomainFmt (IsDNS1123Subdomain, the prefix of a label key): labels joined by single dots.
     */
    public static boolean dns1123Subdomain(String s) {
        return dns1123Subdomain(s, 0, s.length());
    }

    public static boolean dns1123Subdomain(String s, int from, int to) {
        int start = from;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '.') {
                if (!dns1123Label(s, start, i)) {
                    return false;
                }
                start = i + 1;
            }
        }
        return dns1123Label(s, start, to);
    }

    /**
     * {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}: Kubernetes' qualifiedNameFmt (k8s.io/apimachinery
     * pkg/util/validation IsQualifiedName for a label key's name part, and IsValidLabelValue for a non-empty value),
     * which validator.go validateLabels calls.
     */
    public static boolean qualifiedName(String s) {
        return qualifiedName(s, 0, s.length());
    }

    public static boolean qualifiedName(String s, int from, int to) {
        if (from >= to || !Ascii.isAlnum(s.charAt(from)) || !Ascii.isAlnum(s.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!Ascii.isAlnum(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?}: validator.go containerIDFmt (containerIDRegex). */
    public static boolean containerId(String s) {
        int n = s.length();
        if (n == 0 || !Ascii.isAlnum(s.charAt(0)) || !Ascii.isAlnum(s.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = s.charAt(i);
            if (!Ascii.isAlnum(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-zA-Z0-9_.-]{1,15}}: validator.go interfaceRegex (the "*" wildcard is the caller's). */
    public static boolean interfaceName(String s) {
        return wordsAndDots(s, 15);
    }

    /**
     * {@code ([a-z0-9]([-a-z0-9]*[a-z0-9])?)|((?:knp|ossg)\.default\.(<nameSubdomainFmt>))}: validator.go
     * networkPolicyNameRegex, a label or the name Calico gives a Kubernetes (or OpenShift) NetworkPolicy.
     */
    public static boolean networkPolicyName(String s) {
        if (dns1123Label(s)) {
            return true;
        }
        if (s.startsWith("knp.default.")) {
            return dns1123Subdomain(s, "knp.default.".length(), s.length());
        }
        if (s.startsWith("ossg.default.")) {
            return dns1123Subdomain(s, "ossg.default.".length(), s.length());
        }
        return false;
    }

    /**
     * Kubernetes' IsValidPortName (k8s.io/apimachinery pkg/util/validation, which validator.go validatePortName calls),
     * an endpoint's named port: at most 15 characters matching {@code ^[-a-z0-9]+$} (portNameCharsetRegex), at least
     * one matching {@code [a-z]} (portNameOneLetterRegexp), no {@code --}, no leading or trailing '-'.
     */
    public static boolean portName(String s) {
        int n = s.length();
        if (n == 0 || n > 15 || s.charAt(0) == '-' || s.charAt(n - 1) == '-') {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                letter = true;
            } else if (c == '-') {
                if (s.charAt(i - 1) == '-') {
                    return false;
                }
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return letter;
    }

    /** {@code [a-zA-Z0-9_.-]{1,128}}: libcalico-go release-v3.18 lib/numorstring/port.go nameRegex, a rule's named port. */
    public static boolean rulePortName(String s) {
        return wordsAndDots(s, 128);
    }

    /** {@code [a-zA-Z0-9_.-]{1,max}}. */
    private static boolean wordsAndDots(String s, int max) {
        int n = s.length();
        if (n == 0 || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!Ascii.isAlnum(c) && c != '_' && c != '.' && c != '-') {
                return false;
            }
        }
        return true;
    }
}
