package dev.tabby.ipam.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class BlocksTest {

    @Test
    void ordinalsAndAddressesOfIpv4Blocks() {
        Cidr block = Cidr.parse("10.0.0.64/26");
        assertEquals(64, Blocks.size(block));
        assertEquals(IpAddress.parse("10.0.0.64"), Blocks.addressAt(block, 0));
        assertEquals(IpAddress.parse("10.0.0.127"), Blocks.addressAt(block, 63));
        assertEquals(5, Blocks.ordinalOf(block, IpAddress.parse("10.0.0.69")));
        assertEquals(-1, Blocks.ordinalOf(block, IpAddress.parse("10.0.0.128")));
        assertEquals(-1, Blocks.ordinalOf(block, IpAddress.parse("fd00::1")));
        // Carry across bytes.
        assertEquals(IpAddress.parse("10.0.1.0"), Blocks.addressAt(Cidr.parse("10.0.0.0/23"), 256));
        assertEquals(300, Blocks.ordinalOf(Cidr.parse("10.0.0.0/22"), IpAddress.parse("10.0.1.44")));
    }

    @Test
    void ordinalsAndAddressesOfIpv6Blocks() {
        Cidr block = Cidr.parse("fd00::40/122");
        assertEquals(64, Blocks.size(block));
        assertEquals(IpAddress.parse("fd00::7f"), Blocks.addressAt(block, 63));
        assertEquals(63, Blocks.ordinalOf(block, IpAddress.parse("fd00::7f")));
        assertEquals(new Cidr(IpAddress.parse("fd00::40"), 122), Blocks.blockOf(IpAddress.parse("fd00::55"), 122));
    }

    @Test
    void blocksOfAPool() {
        Cidr pool = Cidr.parse("10.0.0.0/16");
        assertEquals(BigInteger.valueOf(1024), Blocks.blockCount(pool, 26));
        assertEquals(Cidr.parse("10.0.0.0/26"), Blocks.nthBlock(pool, 26, BigInteger.ZERO));
        assertEquals(Cidr.parse("10.0.255.192/26"), Blocks.nthBlock(pool, 26, BigInteger.valueOf(1023)));
        assertEquals(Cidr.parse("fd00:0:0:1::/122"),
                Blocks.nthBlock(Cidr.parse("fd00::/48"), 122, BigInteger.ONE.shiftLeft(58)));
        assertEquals(BigInteger.ONE.shiftLeft(74), Blocks.blockCount(Cidr.parse("fd00::/48"), 122));
        assertTrue(Blocks.within(Cidr.parse("10.0.3.0/26"), pool));
        assertFalse(Blocks.within(Cidr.parse("10.1.0.0/26"), pool));
        assertFalse(Blocks.within(Cidr.parse("10.0.0.0/15"), pool));
    }

    @Test
    void numbersConvertBothWays() {
        IpAddress ip = IpAddress.parse("fd00::ffff:1");
        assertEquals(ip, Blocks.fromNumber(Blocks.toNumber(ip), 6));
        assertEquals(IpAddress.parse("255.255.255.255"), Blocks.fromNumber(BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE), 4));
        assertThrows(IllegalArgumentException.class, () -> Blocks.fromNumber(BigInteger.ONE.shiftLeft(32), 4));
    }
}
