package dev.tabby.policy.render;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tabby.policy.render.FelixStaticChainsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * cali-nat-outgoing as felix rules/nat_test.go (Describe "NAT", marks 0x8...) expects it, the --random-fully
 * fragments of felix iptables/actions_test.go, and cali-cidr-block from rules/nat.go BlockedCIDRsToIptablesChains.
 */
class FelixNatChainsTest {
    static final String MATCH = "-m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst";

    static StaticConfig.Builder conf() {
        return StaticConfig.builder().marks(new Marks(0x8, 0x10, 0x20, 0x40)).ipipEnabled(true);
    }

    @Test
    void activeMasquerades() {
        assertEquals(List.of("-A cali-nat-outgoing " + MATCH + " --jump MASQUERADE"),
                lines(new NatChains(conf().build()).natOutgoing(true, 4)));
    }

    @Test
    void activeWithSnatAddress() {
        assertEquals(List.of("-A cali-nat-outgoing " + MATCH + " --jump SNAT --to-source 192.168.0.1"),
                lines(new NatChains(conf().natOutgoingAddress("192.168.0.1").build()).natOutgoing(true, 4)));
    }

    @Test
    void activeWithPortRange() {
        assertEquals(List.of(
                "-A cali-nat-outgoing " + MATCH + " -p tcp --jump MASQUERADE --to-ports 99-100",
                "-A cali-nat-outgoing " + MATCH + " -p tcp --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + " -p udp --jump MASQUERADE --to-ports 99-100",
                "-A cali-nat-outgoing " + MATCH + " -p udp --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + " --jump MASQUERADE"),
                lines(new NatChains(conf().natPortRange(99, 100).build()).natOutgoing(true, 4)));
    }

    @Test
    void activeWithPortRangeAndInterfaceFilter() {
        String o = " --out-interface cali-123";
        assertEquals(List.of(
                "-A cali-nat-outgoing " + MATCH + " -p tcp" + o + " --jump MASQUERADE --to-ports 99-100",
                "-A cali-nat-outgoing " + MATCH + " -p tcp" + o + " --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + " -p udp" + o + " --jump MASQUERADE --to-ports 99-100",
                "-A cali-nat-outgoing " + MATCH + " -p udp" + o + " --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + o + " --jump MASQUERADE"),
                lines(new NatChains(conf().natPortRange(99, 100).iptablesNatOutgoingInterfaceFilter("cali-123").build())
                        .natOutgoing(true, 4)));
    }

    @Test
    void activeWithPortRangeAndSnatAddress() {
        assertEquals(List.of(
                "-A cali-nat-outgoing " + MATCH + " -p tcp --jump SNAT --to-source 192.168.0.1:99-100",
                "-A cali-nat-outgoing " + MATCH + " -p tcp --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + " -p udp --jump SNAT --to-source 192.168.0.1:99-100",
                "-A cali-nat-outgoing " + MATCH + " -p udp --jump RETURN",
                "-A cali-nat-outgoing " + MATCH + " --jump SNAT --to-source 192.168.0.1"),
                lines(new NatChains(conf().natPortRange(99, 100).natOutgoingAddress("192.168.0.1").build())
                        .natOutgoing(true, 4)));
    }

    @Test
    void inactiveIsEmpty() {
        assertEquals(new Chain("cali-nat-outgoing", List.of()), new NatChains(conf().build()).natOutgoing(false, 4));
    }

    /** iptables/actions_test.go: "MasqAction" / "SNATAction fully random". */
    @Test
    void randomFullyWhenSupported() {
        assertEquals(List.of("-A cali-nat-outgoing " + MATCH + " --jump MASQUERADE --random-fully"),
                lines(new NatChains(conf().masqFullyRandom(true).build()).natOutgoing(true, 4)));
        assertEquals(List.of("-A cali-nat-outgoing " + MATCH + " --jump SNAT --to-source 10.0.0.1 --random-fully"),
                lines(new NatChains(conf().snatFullyRandom(true).natOutgoingAddress("10.0.0.1").build()).natOutgoing(true, 4)));
        assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing",
                "-A cali-POSTROUTING --out-interface tunl0 -m addrtype ! --src-type LOCAL --limit-iface-out "
                        + "-m addrtype --src-type LOCAL --jump MASQUERADE --random-fully"),
                lines(new NatChains(conf().ipipTunnelAddress("10.0.0.1").masqFullyRandom(true).build()).postrouting(4)));
    }

    /** IPv6 uses the cali60 sets, and masquerades even with an (IPv4) natOutgoingAddress: Tabby's deviation. */
    @Test
    void ipv6() {
        String m6 = "-m set --match-set cali60masq-ipam-pools src -m set ! --match-set cali60all-ipam-pools dst";
        assertEquals(List.of("-A cali-nat-outgoing " + m6 + " --jump MASQUERADE"),
                lines(new NatChains(conf().natOutgoingAddress("192.168.0.1").build()).natOutgoing(true, 6)));
    }

    @Test
    void cidrBlockSortedPerVersionWithConfiguredAction() {
        List<String> cidrs = List.of("10.96.0.0/12", "fd00:96::/108", "10.0.0.0/24");
        assertEquals(List.of("-A cali-cidr-block --destination 10.0.0.0/24 --jump DROP",
                        "-A cali-cidr-block --destination 10.96.0.0/12 --jump DROP"),
                lines(new NatChains(conf().build()).cidrBlock(cidrs, 4)));
        assertEquals(List.of("-A cali-cidr-block --destination fd00:96::/108 --jump REJECT"),
                lines(new NatChains(conf().serviceLoopPrevention("Reject").build()).cidrBlock(cidrs, 6)));
        assertEquals(List.of(), lines(new NatChains(conf().serviceLoopPrevention("disabled").build()).cidrBlock(cidrs, 4)));
    }

    @Test
    void floatingIpChainsAreEmpty() {
        assertEquals(List.of(new Chain("cali-fip-dnat", List.of()), new Chain("cali-fip-snat", List.of())),
                new NatChains(conf().build()).floatingIpChains());
    }
}
