package dev.tabby.model.net;

import dev.tabby.model.Ascii;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address parsed from text without ever touching DNS, printed in canonical form
 * (dotted quad, or RFC 5952 for IPv6 as Go and iproute2 print it).
 */
public final class IpAddress implements Comparable<IpAddress> {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    public static IpAddress of(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        return new IpAddress(bytes.clone());
    }

    /** Parses a literal address; throws {@link IllegalArgumentException} with a one-line reason. */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an empty string is not an IP address");
        }
        if (text.indexOf(':') >= 0) {
            return new IpAddress(parseV6(text));
        }
        return new IpAddress(parseV4(text));
    }

    private static byte[] parseV4(String text) {
        // One pass, no split or streams: a thousand Nodes and blocks are parsed on every list (issue 16). ASCII
        // digits only, as Go's net.ParseIP (Character.isDigit would let other scripts' digits through).
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    throw notAnAddress(text);
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (Ascii.isDigit(c)) {
                // Leading zeros are refused, as Go does: 010 is octal to some parsers and decimal to others.
                if (digits > 0 && value == 0) {
                    throw notAnAddress(text);
                }
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    throw notAnAddress(text);
                }
            } else {
                throw notAnAddress(text);
            }
        }
        if (part != 4) {
            throw notAnAddress(text);
        }
        return out;
    }

    private static byte[] parseV6(String text) {
        // Only hex digits, colons and dots (embedded IPv4) may reach InetAddress, so no name is ever resolved.
        // ASCII hex only, as Go's net.ParseIP; a loop, not a stream per address (issue 16).
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean hex = Ascii.isHex(c);
            if (!hex && c != ':' && c != '.') {
                throw notAnAddress(text);
            }
        }
        try {
            byte[] raw = InetAddress.getByName(text).getAddress();
            if (raw.length == 4) {
                // Java folds ::ffff:a.b.c.d to IPv4; keep the IPv6 form the operator wrote.
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                return mapped;
            }
            return raw;
        } catch (UnknownHostException e) {
            throw notAnAddress(text);
        }
    }

    private static IllegalArgumentException notAnAddress(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not an IP address");
    }

    public boolean isV4() {
        return bytes.length == 4;
    }

    public int version() {
        return isV4() ? 4 : 6;
    }

    public int bitLength() {
        return bytes.length * 8;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** This address with every bit after the first {@code prefix} cleared. */
    public IpAddress masked(int prefix) {
        byte[] out = bytes.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new IpAddress(out);
    }

    @Override
    public String toString() {
        if (isV4()) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        return formatV6();
    }

    private String formatV6() {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        // RFC 5952: compress the longest run (first on ties) of two or more zero groups.
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        // The address's own bits, not Arrays.hashCode: its base 31 makes 10.1.x.y and 10.1.(x+1).(y-31) collide, so
        // tables of 100,000 routes (bgp-speaker) filled up with collision chains.
        int h = 0;
        for (int i = 0; i < bytes.length; i += 4) {
            h = h * 0x9E3779B1 + ((bytes[i] & 0xFF) << 24 | (bytes[i + 1] & 0xFF) << 16 | (bytes[i + 2] & 0xFF) << 8
                    | bytes[i + 3] & 0xFF);
        }
        // Then mixed (murmur3's finalizer): HashMap indexes by the low bits, and block and tunnel addresses are
        // aligned, e.g. every /26 start has six zero low bits, so unmixed 1,000 blocks shared 32 buckets in a table
        // of 2,048 and each lookup walked a tree (issue 16: a third of the VXLAN plan's time).
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ h >>> 16;
    }

    @Override
    public int compareTo(IpAddress o) {
        if (bytes.length != o.bytes.length) {
            return Integer.compare(bytes.length, o.bytes.length);
        }
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
