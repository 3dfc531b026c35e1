package dev.tabby.policy.render;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Felix v3.18's expected static chains, written out from felix rules/static_test.go (Describe "Static"), with
 * KubeIPVSSupportEnabled false and without the OpenStack contexts, which Tabby does not implement. Felix's test
 * configs leave EndpointToHostAction empty, which its renderer treats as RETURN, so these set RETURN.
 */
class FelixStaticChainsTest {
    static final Marks MARKS = new Marks(0x10, 0x20, 0x40, 0x80);

    static List<String> lines(Chain chain) {
        assertNotNull(chain, "chain missing");
        return chain.rules().stream().map(r -> r.renderAppend(chain.name(), "")).toList();
    }

    static Chain find(List<Chain> chains, String name) {
        return chains.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    static StaticConfig.Builder felixTestConfig() {
        return StaticConfig.builder().marks(MARKS).defaultEndpointToHostAction("RETURN")
                .failsafeInboundHostPorts(List.of()).failsafeOutboundHostPorts(List.of());
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    // checkManglePostrouting(ipVersion, ipvs=false)
    static final List<String> MANGLE_POSTROUTING = List.of(
            "-A cali-POSTROUTING -m mark --mark 0x10/0x10 --jump RETURN",
            "-A cali-POSTROUTING --jump MARK --set-mark 0/0xf0",
            "-A cali-POSTROUTING -m conntrack --ctstate DNAT --jump cali-to-host-endpoint",
            "-A cali-POSTROUTING -m comment --comment \"Host endpoint policy accepted packet.\" -m mark --mark 0x10/0x10 --jump RETURN");

    static final List<String> FORWARD = List.of(
            "-A cali-FORWARD --jump MARK --set-mark 0/0xe0",
            "-A cali-FORWARD -m mark --mark 0/0x10 --jump cali-from-hep-forward",
            "-A cali-FORWARD --in-interface cali+ --jump cali-from-wl-dispatch",
            "-A cali-FORWARD --out-interface cali+ --jump cali-to-wl-dispatch",
            "-A cali-FORWARD --jump cali-to-hep-forward",
            "-A cali-FORWARD --jump cali-cidr-block");

    static List<String> inputTail(String allow) {
        return List.of(
                "-A cali-INPUT --in-interface cali+ --goto cali-wl-to-host",
                "-A cali-INPUT -m mark --mark 0x10/0x10 --jump " + allow,
                "-A cali-INPUT --jump MARK --set-mark 0/0xf0",
                "-A cali-INPUT --jump cali-from-host-endpoint",
                "-A cali-INPUT -m comment --comment \"Host endpoint policy accepted packet.\" -m mark --mark 0x10/0x10 --jump " + allow);
    }

    static List<String> outputHead(String allow) {
        return List.of(
                "-A cali-OUTPUT -m mark --mark 0x10/0x10 --jump " + allow,
                "-A cali-OUTPUT --out-interface cali+ --jump RETURN");
    }

    static List<String> outputTail(String allow) {
        return List.of(
                "-A cali-OUTPUT --jump MARK --set-mark 0/0xf0",
                "-A cali-OUTPUT -m conntrack ! --ctstate DNAT --jump cali-to-host-endpoint",
                "-A cali-OUTPUT -m comment --comment \"Host endpoint policy accepted packet.\" -m mark --mark 0x10/0x10 --jump " + allow);
    }

    static final List<String> RAW_PREROUTING = List.of(
            "-A cali-PREROUTING --jump MARK --set-mark 0/0xf0",
            "-A cali-PREROUTING --in-interface cali+ --jump MARK --set-mark 0x40/0x40",
            "-A cali-PREROUTING -m mark --mark 0x40/0x40 -m rpfilter --invert --jump DROP",
            "-A cali-PREROUTING -m mark --mark 0/0x40 --jump cali-from-host-endpoint",
            "-A cali-PREROUTING -m mark --mark 0x10/0x10 --jump ACCEPT");

    /** Describe "with default config and IPVS=false". */
    @Nested
    class DefaultConfig {
        final StaticChains rr = new StaticChains(felixTestConfig()
                .failsafeInboundHostPorts(FailsafePort.parseList("tcp:0.0.0.0/0:22,tcp:0.0.0.0/0:1022"))
                .failsafeOutboundHostPorts(FailsafePort.parseList("tcp:0.0.0.0/0:23,tcp:0.0.0.0/0:1023"))
                .build());

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void manglePostrouting(int v) {
            assertEquals(MANGLE_POSTROUTING, lines(find(rr.mangleChains(v), "cali-POSTROUTING")));
        }

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void filterForwardInputOutput(int v) {
            List<Chain> filter = rr.filterChains(v);
            assertEquals(FORWARD, lines(find(filter, "cali-FORWARD")));
            assertEquals(inputTail("ACCEPT"), lines(find(filter, "cali-INPUT")));
            assertEquals(concat(outputHead("ACCEPT"), outputTail("ACCEPT")), lines(find(filter, "cali-OUTPUT")));
            assertEquals(6, filter.size(), "should return only the expected filter chains");
        }

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void filterFailsafe(int v) {
            // A net of the other IP version is dropped from the match, not the rule (static.go failsafeInChain).
            String src = v == 4 ? " --source 0.0.0.0/0" : "";
            String dst = v == 4 ? " --destination 0.0.0.0/0" : "";
            assertEquals(List.of(
                    "-A cali-failsafe-in -p tcp -m multiport --destination-ports 22" + src + " --jump ACCEPT",
                    "-A cali-failsafe-in -p tcp -m multiport --destination-ports 1022" + src + " --jump ACCEPT"),
                    lines(find(rr.filterChains(v), "cali-failsafe-in")));
            assertEquals(List.of(
                    "-A cali-failsafe-out -p tcp -m multiport --destination-ports 23" + dst + " --jump ACCEPT",
                    "-A cali-failsafe-out -p tcp -m multiport --destination-ports 1023" + dst + " --jump ACCEPT"),
                    lines(find(rr.filterChains(v), "cali-failsafe-out")));
        }

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void rawChains(int v) {
            String src = v == 4 ? " --source 0.0.0.0/0" : "";
            String dst = v == 4 ? " --destination 0.0.0.0/0" : "";
            List<Chain> raw = rr.rawChains(v);
            assertEquals(List.of(
                    "-A cali-OUTPUT --jump MARK --set-mark 0/0xf0",
                    "-A cali-OUTPUT --jump cali-to-host-endpoint",
                    "-A cali-OUTPUT -m mark --mark 0x10/0x10 --jump ACCEPT"), lines(find(raw, "cali-OUTPUT")));
            assertEquals(List.of(
                    "-A cali-failsafe-in -p tcp -m multiport --destination-ports 22" + src + " --jump ACCEPT",
                    "-A cali-failsafe-in -p tcp -m multiport --destination-ports 1022" + src + " --jump ACCEPT",
                    "-A cali-failsafe-in -p tcp -m multiport --source-ports 23" + src + " --jump ACCEPT",
                    "-A cali-failsafe-in -p tcp -m multiport --source-ports 1023" + src + " --jump ACCEPT"),
                    lines(find(raw, "cali-failsafe-in")));
            assertEquals(List.of(
                    "-A cali-failsafe-out -p tcp -m multiport --destination-ports 23" + dst + " --jump ACCEPT",
                    "-A cali-failsafe-out -p tcp -m multiport --destination-ports 1023" + dst + " --jump ACCEPT",
                    "-A cali-failsafe-out -p tcp -m multiport --source-ports 22" + src + " --jump ACCEPT",
                    "-A cali-failsafe-out -p tcp -m multiport --source-ports 1022" + src + " --jump ACCEPT"),
                    lines(find(raw, "cali-failsafe-out")));
            assertEquals(RAW_PREROUTING, lines(find(raw, "cali-PREROUTING")), "IPv" + v + " raw PREROUTING (RPF)");
            assertEquals(4, raw.size(), "should return only the expected raw chains");
        }

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void manglePrerouting(int v) {
            assertEquals(List.of(
                    "-A cali-PREROUTING -m conntrack --ctstate RELATED,ESTABLISHED --jump ACCEPT",
                    "-A cali-PREROUTING -m mark --mark 0x10/0x10 --jump ACCEPT",
                    "-A cali-PREROUTING --jump cali-from-host-endpoint",
                    "-A cali-PREROUTING -m comment --comment \"Host endpoint policy accepted packet.\" -m mark --mark 0x10/0x10 --jump ACCEPT"),
                    lines(find(rr.mangleChains(v), "cali-PREROUTING")));
        }

        @Test
        void workloadToHostV4() {
            assertEquals(List.of(
                    "-A cali-wl-to-host --jump cali-from-wl-dispatch",
                    "-A cali-wl-to-host -m comment --comment \"Configured DefaultEndpointToHostAction\" --jump RETURN"),
                    lines(find(rr.filterChains(4), "cali-wl-to-host")));
        }

        @Test
        void workloadToHostV6() {
            List<String> expected = new ArrayList<>();
            for (int type : new int[]{130, 131, 132, 133, 135, 136}) {
                expected.add("-A cali-wl-to-host -p 58 -m icmp6 --icmpv6-type " + type + " --jump ACCEPT");
            }
            expected.add("-A cali-wl-to-host --jump cali-from-wl-dispatch");
            expected.add("-A cali-wl-to-host -m comment --comment \"Configured DefaultEndpointToHostAction\" --jump RETURN");
            assertEquals(expected, lines(find(rr.filterChains(6), "cali-wl-to-host")));
        }

        @ParameterizedTest
        @ValueSource(ints = {4, 6})
        void natChains(int v) {
            List<Chain> nat = rr.natChains().staticChains(v);
            assertEquals(List.of("-A cali-PREROUTING --jump cali-fip-dnat"), lines(find(nat, "cali-PREROUTING")));
            assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing"),
                    lines(find(nat, "cali-POSTROUTING")));
            assertEquals(List.of("-A cali-OUTPUT --jump cali-fip-dnat"), lines(find(nat, "cali-OUTPUT")));
            assertEquals(3, nat.size(), "should return only the expected nat chains");
        }
    }

    static final String TUNL0_MASQ = "-A cali-POSTROUTING --out-interface tunl0 -m addrtype ! --src-type LOCAL "
            + "--limit-iface-out -m addrtype --src-type LOCAL --jump MASQUERADE";
    static final String VXLAN_MASQ = "-A cali-POSTROUTING --out-interface vxlan.calico -m addrtype ! --src-type LOCAL "
            + "--limit-iface-out -m addrtype --src-type LOCAL --jump MASQUERADE";

    /** Describe "with IPIP enabled" (IPVS=false). */
    @Nested
    class IpipEnabled {
        final StaticConfig.Builder conf = felixTestConfig().ipipEnabled(true).ipipTunnelAddress("10.0.0.1");
        final StaticChains rr = new StaticChains(conf.build());

        @Test
        void manglePostroutingV4() {
            assertEquals(MANGLE_POSTROUTING, lines(find(rr.mangleChains(4), "cali-POSTROUTING")));
        }

        @Test
        void inputV4() {
            assertEquals(concat(List.of(
                    "-A cali-INPUT -m comment --comment \"Allow IPIP packets from Calico hosts\" -p 4 -m set --match-set cali40all-hosts-net src -m addrtype --dst-type LOCAL --jump ACCEPT",
                    "-A cali-INPUT -m comment --comment \"Drop IPIP packets from non-Calico hosts\" -p 4 --jump DROP"),
                    inputTail("ACCEPT")), lines(find(rr.filterChains(4), "cali-INPUT")));
        }

        @Test
        void inputV6Unaffected() {
            assertEquals(inputTail("ACCEPT"), lines(find(rr.filterChains(6), "cali-INPUT")));
        }

        @Test
        void outputV4() {
            List<String> expected = new ArrayList<>(outputHead("ACCEPT"));
            expected.add("-A cali-OUTPUT -m comment --comment \"Allow IPIP packets to other Calico hosts\" -p 4 -m set --match-set cali40all-hosts-net dst -m addrtype --src-type LOCAL --jump ACCEPT");
            expected.addAll(outputTail("ACCEPT"));
            assertEquals(expected, lines(find(rr.filterChains(4), "cali-OUTPUT")));
        }

        @Test
        void outputV6Unaffected() {
            assertEquals(concat(outputHead("ACCEPT"), outputTail("ACCEPT")), lines(find(rr.filterChains(6), "cali-OUTPUT")));
        }

        @Test
        void natPostroutingV4() {
            assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing",
                    TUNL0_MASQ), lines(new NatChains(conf.build()).postrouting(4)));
        }

        /** Describe "with VXLAN enabled": no VXLAN tunnel address yet, so only tunl0. */
        @Test
        void vxlanEnabledWithoutTunnelAddress() {
            StaticConfig c = conf.vxlanEnabled(true).build();
            assertEquals(MANGLE_POSTROUTING, lines(find(new StaticChains(c).mangleChains(4), "cali-POSTROUTING")));
            assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing",
                    TUNL0_MASQ), lines(new NatChains(c).postrouting(4)));
        }

        /** Describe "and tunnel IP". */
        @Test
        void vxlanEnabledWithTunnelAddress() {
            StaticConfig c = conf.vxlanEnabled(true).vxlanTunnelAddress("10.0.0.1").build();
            assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing",
                    TUNL0_MASQ, VXLAN_MASQ), lines(new NatChains(c).postrouting(4)));
        }

        @Test
        void natPostroutingV6() {
            assertEquals(List.of("-A cali-POSTROUTING --jump cali-fip-snat", "-A cali-POSTROUTING --jump cali-nat-outgoing"),
                    lines(new NatChains(conf.build()).postrouting(6)));
        }
    }

    /** Describe "with RETURN accept action". */
    @ParameterizedTest
    @ValueSource(ints = {4, 6})
    void returnAcceptAction(int v) {
        StaticChains rr = new StaticChains(felixTestConfig()
                .iptablesFilterAllowAction("RETURN").iptablesMangleAllowAction("RETURN").build());
        List<Chain> filter = rr.filterChains(v);
        assertEquals(FORWARD, lines(find(filter, "cali-FORWARD")));
        assertEquals(inputTail("RETURN"), lines(find(filter, "cali-INPUT")));
        assertEquals(concat(outputHead("RETURN"), outputTail("RETURN")), lines(find(filter, "cali-OUTPUT")));
    }
}
