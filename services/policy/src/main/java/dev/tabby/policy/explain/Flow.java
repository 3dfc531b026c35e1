package dev.tabby.policy.explain;

import dev.tabby.model.Ascii;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Protocol;

/**
 * The flow an operator asks about: new traffic between one workload and a peer address. The port is always the
 * destination (server) port: with {@link Direction#EGRESS} the peer's, with {@link Direction#INGRESS} the
 * workload's. The source port is never known, so rules on source ports always depend on it.
 *
 * @param protocol null when not given: rules with a protocol then depend on it
 * @param port     null when not given
 * @param icmpType null when not given; only with ICMP or ICMPv6
 * @param icmpCode null when not given; only with a type
 */
public record Flow(Direction direction, IpAddress peer, Protocol protocol, Integer port, Integer icmpType,
                   Integer icmpCode) {

    public enum Direction {
        /** Traffic from the workload to the peer (its {@code egress} rules, Felix's {@code cali-fw-} chain). */
        EGRESS,
        /** Traffic from the peer to the workload (its {@code ingress} rules, Felix's {@code cali-tw-} chain). */
        INGRESS;

        /** The rule list this direction reads: {@code egress} or {@code ingress}. */
        public String ruleField() {
            return this == EGRESS ? "egress" : "ingress";
        }
    }

    /**
     * Reads {@code IP}, {@code IP:PORT/PROTO} or, for IPv6 with a port, {@code [IP]:PORT/PROTO}; a protocol without
     * ports (ICMP, a number) comes from {@code protocolOption}. Every mistake is one line naming what was wrong.
     *
     * @param protocolOption the {@code --protocol} value, or null
     */
    public static Flow parse(Direction direction, String peerText, String protocolOption, Integer icmpType,
                             Integer icmpCode) {
        String flag = direction == Direction.EGRESS ? "--to" : "--from";
        if (peerText == null || peerText.isBlank()) {
            throw new IllegalArgumentException(flag + " needs an address: IP or IP:PORT/PROTO, e.g. 10.0.0.5:6379/TCP");
        }
        String ipText;
        String portText = null;
        if (peerText.startsWith("[")) {
            int close = peerText.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(flag + " " + peerText
                        + ": '[' without ']'; write [IPv6]:PORT/PROTO");
            }
            ipText = peerText.substring(1, close);
            String rest = peerText.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException(flag + " " + peerText + ": expected ':PORT/PROTO' after ']'");
                }
                portText = rest.substring(1);
            }
        } else {
            int colons = (int) peerText.chars().filter(c -> c == ':').count();
            if (colons == 1) {
                int colon = peerText.indexOf(':');
                ipText = peerText.substring(0, colon);
                portText = peerText.substring(colon + 1);
            } else {
                // No colon: IPv4; several: a bare IPv6 address (a port needs the [IPv6]:PORT/PROTO form).
                ipText = peerText;
            }
        }
        IpAddress ip;
        try {
            ip = IpAddress.parse(ipText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " " + peerText + ": " + e.getMessage()
                    + "; expected IP or IP:PORT/PROTO, e.g. 10.0.0.5:6379/TCP");
        }
        Protocol protocol = null;
        Integer port = null;
        if (portText != null) {
            int slash = portText.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException(flag + " " + peerText + ": a port needs its protocol, e.g. "
                        + ipText + ":" + portText + "/TCP");
            }
            port = parsePort(flag, peerText, portText.substring(0, slash));
            protocol = parseProtocol(flag + " " + peerText, portText.substring(slash + 1));
            if (!protocol.hasPorts()) {
                throw new IllegalArgumentException(flag + " " + peerText + ": " + protocol
                        + " has no ports; give it with --protocol and no port");
            }
        }
        if (protocolOption != null) {
            Protocol fromOption = parseProtocol("--protocol", protocolOption);
            if (protocol != null && protocol.number() != fromOption.number()) {
                throw new IllegalArgumentException("--protocol " + protocolOption + " contradicts " + flag + " "
                        + peerText + "; give the protocol once");
            }
            protocol = fromOption;
        }
        if (icmpCode != null && icmpType == null) {
            throw new IllegalArgumentException("--icmp-code needs --icmp-type");
        }
        if (icmpType != null) {
            int icmp = ip.isV4() ? 1 : 58;
            if (protocol == null || protocol.number() != icmp) {
                throw new IllegalArgumentException("--icmp-type needs --protocol " + (ip.isV4() ? "ICMP" : "ICMPv6")
                        + " for an IPv" + ip.version() + " peer");
            }
            checkRange("--icmp-type", icmpType, 255);
            if (icmpCode != null) {
                checkRange("--icmp-code", icmpCode, 255);
            }
        }
        return new Flow(direction, ip, protocol, port, icmpType, icmpCode);
    }

    private static int parsePort(String flag, String peerText, String text) {
        if (text.length() > 5 || !Ascii.isDigits(text)) {
            throw new IllegalArgumentException(flag + " " + peerText + ": \"" + text
                    + "\" is not a port; one port 1..65535 (no ranges, no names)");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(flag + " " + peerText + ": port " + port + " is out of range 1..65535");
        }
        return port;
    }

    private static Protocol parseProtocol(String where, String text) {
        try {
            return Protocol.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static void checkRange(String flag, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(flag + " " + value + " is out of range 0.." + max);
        }
    }

    /** The peer side as the operator wrote it, canonical: {@code 10.0.0.5:6379/TCP}, {@code [fd00::5]:80/TCP}. */
    public String peerText() {
        String ip = peer.isV4() || port == null ? peer.toString() : "[" + peer + "]";
        StringBuilder sb = new StringBuilder(ip);
        if (port != null) {
            sb.append(':').append(port).append('/').append(protocol);
        } else if (protocol != null) {
            sb.append(" protocol ").append(protocol);
        }
        if (icmpType != null) {
            sb.append(" type ").append(icmpType);
            if (icmpCode != null) {
                sb.append(" code ").append(icmpCode);
            }
        }
        return sb.toString();
    }
}
