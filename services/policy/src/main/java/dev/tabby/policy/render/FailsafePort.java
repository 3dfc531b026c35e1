package dev.tabby.policy.render;

import dev.tabby.model.v3.FelixConfiguration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of FelixConfiguration {@code failsafeInboundHostPorts} / {@code failsafeOutboundHostPorts}: a protocol,
 * a port and optionally a net the failsafe is restricted to (felix config/config_params.go ProtoPort; the text form
 * is parsed as felix config/param_types.go PortListParam.Parse does).
 *
 * @param net the normalised CIDR (Go's {@code net.IPNet.String()}: address masked, IPv6 compressed), or "" for none
 */
public record FailsafePort(String protocol, int port, String net) {
    // Before the defaults below: their parsing needs these.
    private static final String FORMAT = "expected <protocol>:<net>:<number>, <protocol>:<number> or <number>";
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    /** felix release-v3.18 config/config_params.go FailsafeInboundHostPorts default. */
    public static final List<FailsafePort> DEFAULT_INBOUND =
            parseList("tcp:22,udp:68,tcp:179,tcp:2379,tcp:2380,tcp:5473,tcp:6443,tcp:6666,tcp:6667");
    /** felix release-v3.18 config/config_params.go FailsafeOutboundHostPorts default. */
    public static final List<FailsafePort> DEFAULT_OUTBOUND =
            parseList("udp:53,udp:67,tcp:179,tcp:2379,tcp:2380,tcp:5473,tcp:6443,tcp:6666,tcp:6667");


    public FailsafePort {
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("failsafe port protocol " + protocol + " is not tcp or udp");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("failsafe port " + port + " is outside 0-65535");
        }
    }

    /** 4 or 6 for a restricted entry, 0 when it has no net. */
    public int netIpVersion() {
        return net.isEmpty() ? 0 : (net.contains(":") ? 6 : 4);
    }

    /**
     * Parses the comma-separated form Felix reads (config/param_types.go PortListParam.Parse), e.g.
     * {@code "tcp:22, udp:10.0.0.0/8:68, tcp:[fd00::/64]:22"}. A bare number is TCP; entries are trimmed of spaces
     * and empty ones skipped, as in Felix. Felix's loader turns the whole value "none" into no ports before parsing;
     * so does this. The port is not trimmed ("tcp: 22" is an error in Felix too).
     */
    public static List<FailsafePort> parseList(String raw) {
        if (raw.equalsIgnoreCase("none")) {
            return List.of();
        }
        List<FailsafePort> out = new ArrayList<>();
        for (String entry : raw.split(",", -1)) {
            String portStr = trimSpaces(entry);
            if (portStr.isEmpty()) {
                continue;
            }
            String protocol = "tcp";
            String net = "";
            if (portStr.contains("[") && portStr.contains("]")) {
                int open = portStr.indexOf('[');
                int close = portStr.indexOf("]:");
                if (close < open) {
                    // Felix would panic on a slice out of range here; say what is wrong instead.
                    throw bad(raw, "\"" + entry + "\" has a bracketed IPv6 net not followed by \"]:<port>\"");
                }
                net = portStr.substring(open + 1, close);
                portStr = portStr.substring(0, open) + portStr.substring(close + 2);
            }
            String[] parts = portStr.split(":", -1);
            if (parts.length > 3) {
                throw bad(raw, "\"" + entry + "\" has too many parts");
            }
            if (parts.length == 3) {
                net = parts[1];
                protocol = parts[0].toLowerCase(Locale.ROOT);
                portStr = parts[2];
            } else if (parts.length == 2) {
                protocol = parts[0].toLowerCase(Locale.ROOT);
                portStr = parts[1];
            }
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw bad(raw, "unknown protocol " + protocol + " (tcp or udp)");
            }
            // Go's strconv.Atoi: ASCII digits with an optional sign, nothing else.
            if (!INTEGER.matcher(portStr).matches()) {
                throw bad(raw, "port \"" + portStr + "\" is not an integer");
            }
            long port = portStr.length() > 12 ? Long.MAX_VALUE : Long.parseLong(portStr);
            if (port < 0 || port > 65535) {
                throw bad(raw, "port " + portStr + " is outside 0-65535");
            }
            String cidr = "";
            if (!net.isEmpty()) {
                try {
                    cidr = normaliseCidr(net);
                } catch (IllegalArgumentException e) {
                    throw bad(raw, e.getMessage());
                }
            }
            out.add(new FailsafePort(protocol, (int) port, cidr));
        }
        return List.copyOf(out);
    }

    /**
     * The ports of a FelixConfiguration's {@code failsafeInboundHostPorts} / {@code failsafeOutboundHostPorts}
     * list, converted as libcalico-go's felixconfigprocessor.go hands them to Felix (an empty list means no ports;
     * the caller keeps the default for an unset one) and parsed as Felix parses them: Felix accepts tcp and udp only,
     * so SCTP, which the v3 API validator allows, is refused here as Felix refuses it.
     */
    public static List<FailsafePort> fromApi(String field, List<FelixConfiguration.ProtoPort> ports) {
        List<FailsafePort> out = new ArrayList<>();
        for (FelixConfiguration.ProtoPort pp : ports) {
            String protocol = pp.protocol() == null ? "" : pp.protocol().toLowerCase(Locale.ROOT);
            if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                throw new IllegalArgumentException(field + ": protocol " + pp.protocol() + " (port " + pp.port()
                        + ") is not supported by Felix v3.18's failsafe rules; use TCP or UDP");
            }
            if (pp.port() == null || pp.port() < 0 || pp.port() > 65535) {
                throw new IllegalArgumentException(field + ": port " + pp.port() + " is outside 0-65535");
            }
            String net = "";
            if (pp.net() != null && !pp.net().isEmpty()) {
                try {
                    net = normaliseCidr(pp.net());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(field + ": " + e.getMessage() + " (port " + pp.port()
                            + "); give an address or CIDR such as 10.0.0.0/8 or fd00::/64");
                }
            }
            out.add(new FailsafePort(protocol, pp.port(), net));
        }
        return List.copyOf(out);
    }

    /** Go's strings.Trim(s, " "): spaces only, not tabs. */
    private static String trimSpaces(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        return s.substring(from, to);
    }

    private static IllegalArgumentException bad(String raw, String why) {
        return new IllegalArgumentException("failsafe host ports \"" + raw + "\": " + why + "; " + FORMAT);
    }

    /**
     * libcalico-go net.ParseCIDROrIP then IPNet.String(), as Go 1.15 parses: an address alone is a /32 or /128,
     * host bits are cleared, IPv6 is written compressed. Pure: an IPv4 address is parsed here, never looked up.
     */
    static String normaliseCidr(String text) {
        String addr = text;
        int prefix = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            String bits = text.substring(slash + 1);
            if (!DIGITS.matcher(bits).matches() || bits.length() > 3) {
                throw new IllegalArgumentException("invalid CIDR or IP " + text);
            }
            prefix = Integer.parseInt(bits);
        }
        byte[] bytes;
        if (addr.contains(":")) {
            if (!IPV6_LITERAL.matcher(addr).matches()) {
                throw new IllegalArgumentException("invalid CIDR or IP " + text);
            }
            try {
                // With a colon in it, InetAddress parses the literal or fails; it never resolves a name.
                bytes = InetAddress.getByName(addr).getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("invalid CIDR or IP " + text);
            }
            if (bytes.length == 4 && prefix >= 0) {
                // An IPv4-mapped IPv6 address: Go keeps the last 32 bits of the 128-bit mask.
                if (prefix > 128) {
                    throw new IllegalArgumentException("invalid CIDR or IP " + text);
                }
                prefix = Math.max(0, prefix - 96);
            }
        } else {
            bytes = parseIpv4(addr);
            if (bytes == null) {
                throw new IllegalArgumentException("invalid CIDR or IP " + text);
            }
        }
        int bits = bytes.length * 8;
        if (prefix < 0) {
            prefix = bits;
        }
        if (prefix > bits) {
            throw new IllegalArgumentException("invalid CIDR or IP " + text);
        }
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        return (bytes.length == 4 ? ipv4(bytes) : ipv6(bytes)) + "/" + prefix;
    }

    /** Go 1.15 parseIPv4: four decimal fields of at most 255 (leading zeros allowed, read as decimal). */
    private static byte[] parseIpv4(String s) {
        String[] fields = s.split("\\.", -1);
        if (fields.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!DIGITS.matcher(fields[i]).matches() || fields[i].length() > 8) {
                return null;
            }
            int v = Integer.parseInt(fields[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static String ipv4(byte[] b) {
        return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
    }

    /** Go's net.IP.String for IPv6: lower-case hex, the longest run (first on a tie) of two or more zero groups as "::". */
    private static String ipv6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }
}
