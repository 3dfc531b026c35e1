package dev.tabby.model.net;

import dev.tabby.model.Ascii;

/**
 * An IP network in CIDR notation. {@link #parse} keeps host bits so callers can tell the operator what they wrote;
 * {@link #network()} is the canonical form Calico stores.
 */
public record Cidr(IpAddress address, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > address.bitLength()) {
            throw new IllegalArgumentException("prefix length /" + prefixLength + " is out of range for IPv"
                    + address.version() + " (0.." + address.bitLength() + ")");
        }
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x::y/n}. A bare address is refused: callers that accept one
     * (Calico's nets do) use {@link #parseCidrOrIp}.
     */
    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR; expected address/prefix, e.g. 10.0.0.0/16");
        }
        IpAddress address = IpAddress.parse(text.substring(0, slash));
        int prefix = prefixLength(text, slash + 1);
        if (prefix > address.bitLength()) {
            throw new IllegalArgumentException("\"" + text + "\": prefix length /" + prefix + " is longer than IPv"
                    + address.version() + " allows (" + address.bitLength() + ")");
        }
        return new Cidr(address, prefix);
    }

    /**
     * The prefix length written from {@code start} to the end: one to three digits. A loop, not a stream or a
     * substring, as every endpoint's and block's CIDR passes here (issue 16). ASCII digits only, as Go's
     * net.ParseCIDR (dtoi) reads them: Calico refuses "10.0.0.0/١", and so does Tabby.
     */
    private static int prefixLength(String text, int start) {
        int digits = text.length() - start;
        if (digits == 0 || digits > 3) {
            throw new IllegalArgumentException("\"" + text + "\" has no valid prefix length after '/'");
        }
        int prefix = 0;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Ascii.isDigit(c)) {
                throw new IllegalArgumentException("\"" + text + "\" has no valid prefix length after '/'");
            }
            prefix = prefix * 10 + (c - '0');
        }
        return prefix;
    }

    /** A CIDR, or a bare address taken as a single-host network (/32 or /128), as Calico's rule nets allow. */
    public static Cidr parseCidrOrIp(String text) {
        if (text != null && text.indexOf('/') < 0) {
            IpAddress a = IpAddress.parse(text);
            return new Cidr(a, a.bitLength());
        }
        return parse(text);
    }

    public int version() {
        return address.version();
    }

    public boolean isV4() {
        return address.isV4();
    }

    /** The same network with host bits cleared: the canonical form. */
    public Cidr network() {
        return new Cidr(address.masked(prefixLength), prefixLength);
    }

    public boolean isCanonical() {
        return address.equals(address.masked(prefixLength));
    }

    public boolean contains(IpAddress ip) {
        return ip.version() == version() && ip.masked(prefixLength).equals(address.masked(prefixLength));
    }

    /** True when {@code other} lies inside this network or is it (BIRD's {@code net ~ prefix}). */
    public boolean covers(Cidr other) {
        return other.version() == version() && other.prefixLength >= prefixLength && contains(other.address);
    }

    /** True when the two networks share at least one address. */
    public boolean overlaps(Cidr other) {
        if (other.version() != version()) {
            return false;
        }
        int shorter = Math.min(prefixLength, other.prefixLength);
        return address.masked(shorter).equals(other.address.masked(shorter));
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
