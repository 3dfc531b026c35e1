package dev.tabby.dataplane.ipset;

import dev.tabby.model.net.IpAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * One IP set's content: type, family and members, with members in one canonical form so that what the caller asks
 * for and what {@code ipset save} prints compare equal (ipset prints a /32 net as a bare address, masks host bits
 * and compresses IPv6).
 *
 * @param ipVersion 4 (ipset family inet) or 6 (inet6)
 * @param members   addresses ("10.0.0.1"), networks ("10.0.0.0/24") or address,proto:port ("10.0.0.1,tcp:80")
 */
public record IpSet(IpSetType type, int ipVersion, Set<String> members) {
    public IpSet {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
        // A HashSet, not Set.copyOf: the immutable set probes linearly and addresses in sequence hash in sequence;
        // at 5,000 nodes its probing was the hottest frame of the driver's diff (JFR profile, issue 16).
        HashSet<String> canonical = new HashSet<>();
        for (String m : members) {
            canonical.add(canonical(type, ipVersion, m));
        }
        members = Collections.unmodifiableSet(canonical);
    }

    public String family() {
        return ipVersion == 6 ? "inet6" : "inet";
    }

    static String canonical(IpSetType type, int ipVersion, String member) {
        if (ipVersion == 4 && (type == IpSetType.HASH_NET || type == IpSetType.HASH_IP && !member.contains("/"))
                && isPlainIpv4(member)) {
            return member.endsWith("/32") ? member.substring(0, member.length() - 3) : member;
        }
        String m = member.strip();
        String suffix = "";
        if (type == IpSetType.HASH_IP_PORT) {
            int comma = m.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException("member " + member + " of a hash:ip,port set lacks ,proto:port");
            }
            String port = m.substring(comma + 1).toLowerCase();
            suffix = "," + (port.contains(":") ? port : "tcp:" + port);
            m = m.substring(0, comma);
        }
        int prefix = -1;
        int slash = m.indexOf('/');
        if (slash >= 0) {
            if (type != IpSetType.HASH_NET) {
                throw new IllegalArgumentException("member " + member + " of a " + type + " set cannot be a network");
            }
            prefix = Integer.parseInt(m.substring(slash + 1));
            m = m.substring(0, slash);
        }
        byte[] addr = parse(m, member);
        int bits = addr.length * 8;
        if ((ipVersion == 4) != (addr.length == 4)) {
            throw new IllegalArgumentException("member " + member + " is not an IPv" + ipVersion + " address");
        }
        if (prefix < 0 || prefix == bits) {
            return format(addr) + suffix;
        }
        if (prefix > bits) {
            throw new IllegalArgumentException("member " + member + " has a prefix longer than " + bits);
        }
        for (int i = 0; i < addr.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            addr[i] &= (byte) (0xff << (8 - keep));
        }
        return format(addr) + "/" + prefix + suffix;
    }

    /**
     * Whether {@code s} is a dotted quad, optionally with "/32", already in ipset's form (no leading zeros, no
     * spaces): the common member, checked without the general parse that costs a set of thousands a few ms.
     */
    static boolean isPlainIpv4(String s) {
        int end = s.endsWith("/32") ? s.length() - 3 : s.length();
        int dots = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (digits == 0 || ++dots > 3) {
                    return false;
                }
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0 || ++digits > 3) {
                    return false; // a leading zero, or too long
                }
                value = value * 10 + (c - '0');
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }

    private static byte[] parse(String literal, String member) {
        if (!literal.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("member " + member + " is not an IP address");
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("member " + member + " is not an IP address", e);
        }
    }

    /** Dotted quad, or IPv6 with the longest zero run compressed, lower case: ipset's own form (and the model's). */
    private static String format(byte[] a) {
        return IpAddress.of(a).toString();
    }
}
