package dev.tabby.model.v3;

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
    private static final Pattern MAC = Pattern.compile("([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}");

    private Check() {
    }

    static void required(Problems p, Object value) {
        if (value == null || (value instanceof String s && s.isEmpty())) {
            p.error("is required");
        }
    }

    /** A CIDR that must be in canonical form; a value with host bits set is normalised, with a warning. */
    static String cidr(Problems p, String value) {
        if (value == null) {
            return null;
        }
        try {
            Cidr c = Cidr.parse(value);
            return normalised(p, value, c);
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage());
            return value;
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

    private static String normalised(Problems p, String value, Cidr c) {
        String canonical = c.network().toString();
        if (!canonical.equals(value)) {
            p.warn("\"" + value + "\" normalised to " + canonical);
        }
        return canonical;
    }

    static List<String> cidrs(Problems p, List<String> values, boolean allowBareIps) {
        if (values == null) {
            return null;
        }
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null) {
                p.at(i).error("is empty; expected a CIDR");
                out.add(null);
                continue;
            }
            out.add(allowBareIps ? cidrOrIp(p.at(i), v) : cidr(p.at(i), v));
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

    static String ip(Problems p, String value) {
        return ipOfVersion(p, value, 0);
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

    /** An address with prefix length, as a node's BGP address is written: host bits are kept. */
    static String ipWithPrefix(Problems p, String value, int version) {
        if (value == null) {
            return null;
        }
        try {
            Cidr c = value.indexOf('/') < 0 ? Cidr.parseCidrOrIp(value) : Cidr.parse(value);
            if (c.version() != version) {
                p.error("\"" + value + "\" is not an IPv" + version + " address");
            }
            return c.toString();
        } catch (IllegalArgumentException e) {
            p.error(e.getMessage());
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
            p.error("invalid selector " + e.getMessage());
        }
    }

    static void oneOf(Problems p, String value, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            p.error("\"" + value + "\" is not allowed; allowed: " + String.join(", ", allowed));
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

    static String mac(Problems p, String value) {
        if (value == null) {
            return null;
        }
        if (!MAC.matcher(value).matches()) {
            p.error("\"" + value + "\" is not a MAC address; expected six hex pairs, e.g. 66:4f:1e:2a:00:01");
            return value;
        }
        return value.toLowerCase().replace('-', ':');
    }

    static void labels(Problems p, Map<String, String> labels) {
        dev.tabby.model.validation.ResourceValidator.checkLabels(p, labels);
    }

    static void resourceNames(Problems p, List<String> names) {
        if (names == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String why = n == null ? "is empty" : Names.checkResourceName(n);
            if (why != null) {
                p.at(i).error("\"" + n + "\" " + why);
            }
        }
    }

    static <K, V> Map<K, V> copy(Map<K, V> m) {
        return m == null ? null : new LinkedHashMap<>(m);
    }
}
