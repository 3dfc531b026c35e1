package dev.tabby.policy.render;

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

    /** felix release-v3.18 config/config_params.go FailsafeInboundHostPorts default. */
    public static final List<FailsafePort> DEFAULT_INBOUND =
            parseList("tcp:22,udp:68,tcp:179,tcp:2379,tcp:2380,tcp:5473,tcp:6443,tcp:6666,tcp:6667");
    /** felix release-v3.18 config/config_params.go FailsafeOutboundHostPorts default. */
    public static final List<FailsafePort> DEFAULT_OUTBOUND =
            parseList("udp:53,udp:67,tcp:179,tcp:2379,tcp:2380,tcp:5473,tcp:6443,tcp:6666,tcp:6667");

    private static final String FORMAT = "expected <protocol>:<net>:<number>, <protocol>:<number> or <number>";
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

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
     * Parses the comma-separated FelixConfiguration form, e.g. {@code "tcp:22, udp:10.0.0.0/8:68, tcp:[fd00::/64]:22"}.
     * A bare number is TCP; empty entries are skipped, as in Felix.
     */
    public static List<FailsafePort> parseList(String raw) {
        List<FailsafePort> out = new ArrayList<>();
        for (String entry : raw.split(",")) {
            String portStr = entry.strip();
            if (portStr.isEmpty()) {
                continue;
            }
            String protocol = "tcp";
            String net = "";
            int open = portStr.indexOf('[');
            int close = portStr.indexOf("]:");
            if (open >= 0 && close > open) {
                net = portStr.substring(open + 1, close);
                portStr = portStr.substring(0, open) + portStr.substring(close + 2);
            }
            String[] parts = portStr.split(":", -1);
            if (parts.length > 3) {
                throw bad(raw, FORMAT);
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
            int port;
            try {
                port = Integer.parseInt(portStr.strip());
            } catch (NumberFormatException e) {
                throw bad(raw, "port " + portStr + " is not an integer");
            }
            if (port < 0 || port > 65535) {
                throw bad(raw, "port " + port + " is outside 0-65535");
            }
            out.add(new FailsafePort(protocol, port, net.isEmpty() ? "" : normaliseCidr(net, raw)));
        }
        return List.copyOf(out);
    }

    private static IllegalArgumentException bad(String raw, String why) {
        return new IllegalArgumentException("failsafe host ports \"" + raw + "\": " + why + "; " + FORMAT);
    }

    /** libcalico-go net.ParseCIDROrIP then IPNet.String(): an address alone is a /32 or /128, host bits cleared. */
    static String normaliseCidr(String text, String raw) {
        String addr = text;
        int prefix = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw bad(raw, "invalid CIDR or IP " + text);
            }
        }
        if (!IP_LITERAL.matcher(addr).matches() || (!addr.contains(":") && addr.split("\\.", -1).length != 4)) {
            throw bad(raw, "invalid CIDR or IP " + text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw bad(raw, "invalid CIDR or IP " + text);
        }
        int bits = bytes.length * 8;
        if (prefix < 0) {
            prefix = bits;
        }
        if (prefix > bits) {
            throw bad(raw, "invalid CIDR or IP " + text);
        }
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        return (bytes.length == 4 ? ipv4(bytes) : ipv6(bytes)) + "/" + prefix;
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
