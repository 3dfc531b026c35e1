package dev.tabby.model.v3;

import dev.tabby.model.Ascii;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.selector.Selector;
import dev.tabby.model.selector.SelectorException;
import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Field checks shared by the kinds. Each reports at the view it is given and returns the normalised value. */
final class Check {
    private static final Pattern DURATION = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+|0");

    private Check() {
    }

    static void required(Problems p, Object value) {
        if (value == null || (value instanceof String s && s.isEmpty())) {
            p.error("is required");
        }
    }

    /** A CIDR or a bare address (a single host), as rule nets and network sets allow. */
    static String cidrOrIp(Problems p, String value) {
        if (value == null) {
            return null;
        }
        try {
            Cidr c = Cidr.parseCidrOrIp(value);
            return normalised(p, value, c);
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage());
            return value;
        }
    }

    static String normalised(Problems p, String value, Cidr c) {
        String canonical = c.network().toString();
        if (!canonical.equals(value)) {
            p.warn("\"" + value + "\" normalised to " + canonical);
        }
        return canonical;
    }

    /**
     * validator.go's {@code net} tag: a CIDR with no host bits set, or a bare address. Kept as written; Calico does
     * not normalise it either.
     */
    static void maskedNet(Problems p, String value) {
        try {
            Cidr c = Cidr.parseCidrOrIp(value);
            if (!c.isCanonical()) {
                p.error("\"" + value + "\" has host bits set; write " + c.network() + " (Calico: failed to validate field"
                        + " because of tag: net)");
            }
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage() + " (Calico: failed to validate field because of tag: net)");
        }
    }

    /**
     * CIDRs or bare addresses (normalised, with a warning, when host bits are set), naming the validator.go tag (cidr,
     * net) when one is refused.
     */
    static List<String> nets(Problems p, List<String> values, String calicoTag) {
        if (values == null) {
            return null;
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isEmpty()) {
                p.at(i).error("is empty; expected a CIDR" + tag(calicoTag));
                out.add(v);
                continue;
            }
            try {
                out.add(normalised(p.at(i), v, Cidr.parseCidrOrIp(v)));
            } catch (IllegalArgumentException e) {
                p.at(i).error(e.getMessage() + tag(calicoTag));
                out.add(v);
            }
        }
        return out;
    }

    /** The IP version of a CIDR or address that already passed its check, or 0 when it did not. */
    static int versionOf(String cidrOrIp) {
        try {
            return Cidr.parseCidrOrIp(cidrOrIp).version();
        } catch (IllegalArgumentException | NullPointerException e) {
            return 0;
        }
    }

    /** An address of the given IP version (0: either), normalised. */
    static String ipOfVersion(Problems p, String value, int version) {
        if (value == null) {
            return null;
        }
        try {
            IpAddress address = IpAddress.parse(value);
            String canonical = address.toString();
            if (!canonical.equals(value)) {
                p.warn("\"" + value + "\" normalised to " + canonical);
            }
            if (version != 0 && address.version() != version) {
                p.error("\"" + value + "\" is not an IPv" + version + " address");
            }
            return canonical;
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage());
            return value;
        }
    }

    /**
     * An address with prefix length, as a node's BGP address is written (validator.go cidrv4/cidrv6: host bits are
     * allowed, and kept).
     */
    static String ipWithPrefix(Problems p, String value, int version) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        try {
            Cidr c = value.indexOf('/') < 0 ? Cidr.parseCidrOrIp(value) : Cidr.parse(value);
            if (c.version() != version) {
                p.error("\"" + value + "\" is not an IPv" + version + " address" + tag("cidrv" + version));
            }
            return c.toString();
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage() + tag("cidrv" + version));
            return value;
        }
    }

    static void selector(Problems p, String value) {
        if (value == null) {
            return;
        }
        try {
            Selector.parse(value);
        } catch (SelectorException e) {
            p.error("invalid selector " + e.getMessage() + tag("selector"));
        }
    }

    static void oneOf(Problems p, String value, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            p.error("\"" + value + "\" is not allowed; allowed: " + String.join(", ", allowed));
        }
    }

    /** As {@link #oneOf(Problems, String, List)}, naming the validator.go tag that refuses the value. */
    static void oneOf(Problems p, String value, List<String> allowed, String calicoTag) {
        if (value != null && !allowed.contains(value)) {
            p.error("\"" + value + "\" is not allowed; allowed: " + String.join(", ", allowed) + tag(calicoTag));
        }
    }

    /** Calico's reason for a value its validator.go field tag refused. */
    static String tag(String calicoTag) {
        return " (Calico: failed to validate field because of tag: " + calicoTag + ")";
    }

    /** An address of the given IP version (0: either), naming the validator.go tag (ip, ipv4, ipv6) when refused. */
    static String address(Problems p, String value, int version) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String calicoTag = version == 4 ? "ipv4" : version == 6 ? "ipv6" : "ip";
        try {
            IpAddress address = IpAddress.parse(value);
            String canonical = address.toString();
            if (!canonical.equals(value)) {
                p.warn("\"" + value + "\" normalised to " + canonical);
            }
            if (version != 0 && address.version() != version) {
                p.error("\"" + value + "\" is not an IPv" + version + " address" + tag(calicoTag));
            }
            return canonical;
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage() + tag(calicoTag));
            return value;
        }
    }

    static void range(Problems p, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            p.error(value + " is out of range; allowed: " + min + ".." + max);
        }
    }

    static void duration(Problems p, String value) {
        if (value != null && !DURATION.matcher(value).matches()) {
            p.error("\"" + value + "\" is not a duration; write it as Go does, e.g. 90s, 1m30s, 500ms");
        }
    }

    /**
     * A MAC address as Go's net.ParseMAC reads it (validator.go validateMAC): 6, 8 or 20 bytes as hex pairs
     * separated by ':' or '-', or as groups of four hex digits separated by '.'. Written back lower-case with ':'.
     * Read by hand, not by regex: every WorkloadEndpoint and Node has one.
     */
    static String mac(Problems p, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        int bytes = macPairs(value);
        boolean pairs = bytes != 0;
        if (!pairs) {
            bytes = macDotted(value);
        }
        if (bytes != 6 && bytes != 8 && bytes != 20) {
            p.error("\"" + value + "\" is not a MAC address; expected six hex pairs, e.g. 66:4f:1e:2a:00:01 (Calico:"
                    + " failed to validate field because of tag: mac)");
            return value;
        }
        // Most are stored as written back already: keep the string rather than build its twin.
        if (pairs && value.charAt(2) == ':' && !hasUpperCase(value)) {
            return value;
        }
        char[] out = new char[bytes * 3 - 1];
        int o = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Ascii.isHex(c)) {
                if (o > 0 && o % 3 == 2) {
                    out[o++] = ':';
                }
                out[o++] = Character.toLowerCase(c);
            }
        }
        return new String(out);
    }

    /**
     * The bytes of {@code [0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2})+} with one separator throughout (ParseMAC requires it),
     * or 0 if the value is not written so.
     */
    private static int macPairs(String value) {
        int n = value.length();
        if (n < 5 || n % 3 != 2) {
            return 0;
        }
        char separator = value.charAt(2);
        if (separator != ':' && separator != '-') {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (i % 3 == 2 ? c != separator : !Ascii.isHex(c)) {
                return 0;
            }
        }
        return (n + 1) / 3;
    }

    /** The bytes of {@code [0-9A-Fa-f]{4}(\.[0-9A-Fa-f]{4})+}, or 0 if the value is not written so. */
    private static int macDotted(String value) {
        int n = value.length();
        if (n < 9 || n % 5 != 4) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (i % 5 == 4 ? c != '.' : !Ascii.isHex(c)) {
                return 0;
            }
        }
        return (n + 1) / 5 * 2;
    }

    private static boolean hasUpperCase(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    static void labels(Problems p, Map<String, String> labels) {
        dev.tabby.model.validation.ResourceValidator.checkLabels(p, labels);
    }

    /** A value checked by validator.go's {@code name} tag: the subdomain format. */
    static void nameField(Problems p, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        String why = Names.checkNameField(value);
        if (why != null) {
            p.error("\"" + value + "\" " + why);
        }
    }

    /** A list whose every element is checked by validator.go's {@code name} tag (profiles). */
    static void nameFields(Problems p, List<String> values) {
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || v.isEmpty()) {
                p.at(i).error("is empty; expected a name");
                continue;
            }
            nameField(p.at(i), v);
        }
    }

    static void interfaceName(Problems p, String value) {
        String why = Names.checkInterfaceName(value);
        if (why != null) {
            p.error("\"" + value + "\" " + why);
        }
    }

    static <K, V> Map<K, V> copy(Map<K, V> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }
}
