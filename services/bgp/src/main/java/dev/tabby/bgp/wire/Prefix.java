package dev.tabby.bgp.wire;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One NLRI or withdrawn-route entry (RFC 4271 section 4.3, RFC 4760 section 5): a length in bits and as many
 * address octets as the length needs. The address keeps the octets as received (trailing bits included) so a
 * well-formed UPDATE re-encodes byte for byte.
 */
public record Prefix(InetAddress address, int length) {
    public Prefix {
        int maxBits = address.getAddress().length * 8;
        if (length < 0 || length > maxBits) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + maxBits + " for "
                    + address.getHostAddress());
        }
    }

    /** Parses "10.0.0.0/8" or "2001:db8::/32" (numeric addresses only, no name lookup). */
    public static Prefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("prefix '" + cidr + "' has no '/length'");
        }
        String host = cidr.substring(0, slash);
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
            throw new IllegalArgumentException("prefix '" + cidr + "' does not start with a numeric address");
        }
        try {
            return new Prefix(InetAddress.getByName(host), Integer.parseInt(cidr.substring(slash + 1)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("prefix '" + cidr + "' has an invalid address", e);
        }
    }

    /** The prefix with host bits cleared, so 10.0.0.1/8 and 10.0.0.0/8 are one key; itself when already clear. */
    public Prefix network() {
        byte[] octets = address.getAddress();
        boolean changed = false;
        for (int i = 0; i < octets.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            byte mask = (byte) (keep == 0 ? 0 : 0xFF << (8 - keep));
            if ((octets[i] & ~mask) != 0) {
                octets[i] &= mask;
                changed = true;
            }
        }
        if (!changed) {
            return this;
        }
        try {
            return new Prefix(InetAddress.getByAddress(octets), length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + octets.length + " octets was refused", e);
        }
    }

    public boolean ipv4() {
        return address instanceof Inet4Address;
    }

    /** Octets on the wire after the length octet. */
    int octets() {
        return (length + 7) / 8;
    }

    void write(ByteBuf out) {
        out.writeByte(length);
        out.writeBytes(address.getAddress(), 0, octets());
    }

    static void writeAll(List<Prefix> prefixes, ByteBuf out) {
        for (Prefix p : prefixes) {
            p.write(out);
        }
    }

    /**
     * Reads prefixes until {@code in} is empty. A length above the family's bits or an entry overrunning the field
     * is a syntax error of the whole field (RFC 7606 section 5.3): the caller resets the session with {@code
     * subcode}.
     */
    static List<Prefix> readAll(ByteBuf in, AfiSafi family, int subcode, String field) throws BgpDecodeException {
        int addressOctets = family == AfiSafi.IPV6_UNICAST ? 16 : 4;
        List<Prefix> prefixes = new ArrayList<>();
        while (in.isReadable()) {
            int length = in.readUnsignedByte();
            if (length > addressOctets * 8) {
                throw new BgpDecodeException(3, subcode, null, field + " holds a prefix length of " + length
                        + " bits; " + family + " allows at most " + addressOctets * 8);
            }
            int octets = (length + 7) / 8;
            if (octets > in.readableBytes()) {
                throw new BgpDecodeException(3, subcode, null, field + " holds a /" + length + " prefix needing "
                        + octets + " octets but only " + in.readableBytes() + " remain");
            }
            byte[] address = new byte[addressOctets];
            in.readBytes(address, 0, octets);
            try {
                prefixes.add(new Prefix(InetAddress.getByAddress(address), length));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("an address of " + addressOctets + " octets was refused", e);
            }
        }
        return List.copyOf(prefixes);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
