package dev.tabby.ipam.model;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.math.BigInteger;

/** Address arithmetic on blocks and pools. IPv6 pools can hold 2^100 blocks, hence BigInteger. */
public final class Blocks {

    private Blocks() {
    }

    /** Calico's default block sizes: /26 for IPv4, /122 for IPv6 (64 addresses each). */
    public static int defaultBlockSize(int version) {
        return version == 4 ? 26 : 122;
    }

    public static BigInteger toNumber(IpAddress ip) {
        return new BigInteger(1, ip.bytes());
    }

    public static IpAddress fromNumber(BigInteger n, int version) {
        int len = version == 4 ? 4 : 16;
        byte[] raw = n.toByteArray();
        if (n.signum() < 0 || raw.length > len + 1 || (raw.length == len + 1 && raw[0] != 0)) {
            throw new IllegalArgumentException(n + " is outside the IPv" + version + " address space");
        }
        byte[] out = new byte[len];
        int copy = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - copy, out, len - copy, copy);
        return IpAddress.of(out);
    }

    /** How many addresses a network holds, as an int; only for blocks (at most 2^12 addresses here). */
    public static int size(Cidr block) {
        int hostBits = block.address().bitLength() - block.prefixLength();
        if (hostBits > 30) {
            throw new IllegalArgumentException(block + " is too large to be a block");
        }
        return 1 << hostBits;
    }

    /** The block of size {@code blockPrefix} that holds {@code ip}. */
    public static Cidr blockOf(IpAddress ip, int blockPrefix) {
        return new Cidr(ip.masked(blockPrefix), blockPrefix);
    }

    /** How many blocks of size {@code blockPrefix} the pool holds. */
    public static BigInteger blockCount(Cidr pool, int blockPrefix) {
        return BigInteger.ONE.shiftLeft(blockPrefix - pool.prefixLength());
    }

    /** The {@code index}-th block (from 0) of the pool. */
    public static Cidr nthBlock(Cidr pool, int blockPrefix, BigInteger index) {
        int hostBits = pool.address().bitLength() - blockPrefix;
        BigInteger base = toNumber(pool.network().address());
        return new Cidr(fromNumber(base.add(index.shiftLeft(hostBits)), pool.version()), blockPrefix);
    }

    /** The address {@code ordinal} places into the block. */
    public static IpAddress addressAt(Cidr block, int ordinal) {
        byte[] bytes = block.address().bytes();
        long carry = ordinal;
        for (int i = bytes.length - 1; i >= 0 && carry != 0; i--) {
            long sum = (bytes[i] & 0xff) + (carry & 0xff);
            bytes[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return IpAddress.of(bytes);
    }

    /** How far into the block the address lies, or -1 when it is not in the block. */
    public static int ordinalOf(Cidr block, IpAddress ip) {
        if (!block.isCanonical() || !block.contains(ip)) {
            return -1;
        }
        // The block's own host bits are zero, so the offset is just the address's host bits;
        // a block spans at most 30 of them, all inside the last four bytes.
        byte[] a = ip.bytes();
        int low = 0;
        for (int i = a.length - 4; i < a.length; i++) {
            low = (low << 8) | (a[i] & 0xff);
        }
        return low & (size(block) - 1);
    }

    /** True when the block lies wholly inside the pool. */
    public static boolean within(Cidr block, Cidr pool) {
        return block.version() == pool.version() && block.prefixLength() >= pool.prefixLength()
                && pool.contains(block.address());
    }
}
