package dev.tabby.policy.render;

import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.Port;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.tabby.policy.render.FelixStaticChainsTest.find;
import static dev.tabby.policy.render.FelixStaticChainsTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour of felix rules/static.go that static_test.go does not pin down (VXLAN rules, the other
 * DefaultEndpointToHostAction values, the FORWARD append rules), the hooks of dataplane/linux/int_dataplane.go
 * setUpIptablesNormal, Felix's default configuration end to end, and chain-name limits.
 */
class StaticTablesTest {
    static final StaticChains DEFAULTS = new StaticChains(StaticConfig.builder().build());

    @Test
    void felixDefaultsGiveDefaultMarksAndActions() {
        StaticConfig c = StaticConfig.builder().build();
        assertEquals(new Marks(0x10000, 0x20000, 0x40000, 0x80000), c.marks());
        assertEquals("DROP", c.defaultEndpointToHostAction());
        assertEquals("ACCEPT", c.iptablesFilterAllowAction());
        assertEquals("ACCEPT", c.iptablesMangleAllowAction());
        assertEquals(List.of("cali"), c.workloadInterfacePrefixes());
        assertEquals(4789, c.vxlanPort());
        assertEquals("Drop", c.serviceLoopPrevention());
        assertEquals(FailsafePort.DEFAULT_INBOUND, c.failsafeInboundHostPorts());
        assertEquals(FailsafePort.DEFAULT_OUTBOUND, c.failsafeOutboundHostPorts());
        assertEquals(0xf0000, c.allMarkBits());
    }

    @Test
    void hooksAsSetUpIptablesNormal() {
        for (int v : new int[]{4, 6}) {
            List<StaticTable> tables = DEFAULTS.tables(v, false, List.of());
            assertEquals(StaticChains.TABLES, tables.stream().map(StaticTable::table).toList());
            List<String> hooks = new ArrayList<>();
            for (StaticTable t : tables) {
                assertEquals(v, t.ipVersion());
                for (StaticTable.Hook h : t.hooks()) {
                    h.insert().forEach(r -> hooks.add(t.table() + " I " + r.renderAppend(h.builtIn(), "")));
                    h.append().forEach(r -> hooks.add(t.table() + " A " + r.renderAppend(h.builtIn(), "")));
                }
            }
            assertEquals(List.of(
                    "raw I -A PREROUTING --jump cali-PREROUTING",
                    "raw I -A OUTPUT --jump cali-OUTPUT",
                    "mangle I -A PREROUTING --jump cali-PREROUTING",
                    "mangle I -A POSTROUTING --jump cali-POSTROUTING",
                    "filter I -A FORWARD --jump cali-FORWARD",
                    "filter A -A FORWARD -m comment --comment \"Policy explicitly accepted packet.\" -m mark --mark 0x10000/0x10000 --jump ACCEPT",
                    "filter A -A FORWARD --jump MARK --set-mark 0x10000/0x10000",
                    "filter I -A INPUT --jump cali-INPUT",
                    "filter I -A OUTPUT --jump cali-OUTPUT",
                    "nat I -A PREROUTING --jump cali-PREROUTING",
                    "nat I -A POSTROUTING --jump cali-POSTROUTING",
                    "nat I -A OUTPUT --jump cali-OUTPUT"), hooks);
        }
    }

    @Test
    void wholeTablesWithFelixDefaults() {
        List<StaticTable> v4 = DEFAULTS.tables(4, true, List.of("10.96.0.0/12"));
        assertEquals(List.of("cali-failsafe-in", "cali-failsafe-out", "cali-PREROUTING", "cali-OUTPUT"), names(v4.get(0)));
        assertEquals(List.of("cali-failsafe-in", "cali-failsafe-out", "cali-PREROUTING", "cali-POSTROUTING"), names(v4.get(1)));
        assertEquals(List.of("cali-FORWARD", "cali-INPUT", "cali-wl-to-host", "cali-failsafe-in", "cali-OUTPUT",
                "cali-failsafe-out", "cali-cidr-block"), names(v4.get(2)));
        assertEquals(List.of("cali-PREROUTING", "cali-POSTROUTING", "cali-OUTPUT", "cali-nat-outgoing", "cali-fip-dnat",
                "cali-fip-snat"), names(v4.get(3)));
        // Default failsafe ports, with Felix's default marks and DROP for workload-to-host.
        assertEquals(List.of(
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 22 --jump ACCEPT",
                "-A cali-failsafe-in -p udp -m multiport --destination-ports 68 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 179 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 2379 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 2380 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 5473 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 6443 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 6666 --jump ACCEPT",
                "-A cali-failsafe-in -p tcp -m multiport --destination-ports 6667 --jump ACCEPT"),
                lines(v4.get(2).chain("cali-failsafe-in")));
        assertEquals(List.of(
                "-A cali-wl-to-host --jump cali-from-wl-dispatch",
                "-A cali-wl-to-host -m comment --comment \"Configured DefaultEndpointToHostAction\" --jump DROP"),
                lines(v4.get(2).chain("cali-wl-to-host")));
        assertEquals(List.of("-A cali-cidr-block --destination 10.96.0.0/12 --jump DROP"),
                lines(v4.get(2).chain("cali-cidr-block")));
        assertEquals(List.of("-A cali-nat-outgoing -m set --match-set cali40masq-ipam-pools src "
                        + "-m set ! --match-set cali40all-ipam-pools dst --jump MASQUERADE"),
                lines(v4.get(3).chain("cali-nat-outgoing")));
        // The raw failsafe chain also lets replies of outbound failsafe connections through, before conntrack.
        assertEquals(18, v4.get(0).chain("cali-failsafe-in").rules().size());
        List<StaticTable> v6 = DEFAULTS.tables(6, false, List.of("10.96.0.0/12"));
        assertEquals(List.of(), v6.get(2).chain("cali-cidr-block").rules());
        assertEquals(List.of(), v6.get(3).chain("cali-nat-outgoing").rules());
    }

    private static List<String> names(StaticTable t) {
        return t.chains().stream().map(Chain::name).toList();
    }

    @Test
    void everyChainNameFitsAndIsOurs() {
        StaticConfig all = StaticConfig.builder().ipipEnabled(true).vxlanEnabled(true).ipipTunnelAddress("10.0.0.1")
                .vxlanTunnelAddress("10.0.0.2").natPortRange(1000, 2000).build();
        Set<String> seen = new HashSet<>();
        for (int v : new int[]{4, 6}) {
            for (StaticTable t : new StaticChains(all).tables(v, true, List.of("10.96.0.0/12", "fd00::/108"))) {
                for (Chain c : t.chains()) {
                    seen.add(c.name());
                    assertTrue(c.name().startsWith("cali-"), c.name());
                    assertTrue(c.name().length() <= ChainNames.MAX_CHAIN_NAME_LENGTH, c.name());
                    for (IptRule r : c.rules()) {
                        String target = r.action().replaceFirst("^--(jump|goto) ", "");
                        if (target.startsWith("cali")) {
                            assertTrue(target.startsWith("cali-") && target.length() <= 28, target);
                        }
                    }
                }
            }
        }
        assertEquals(12, seen.size(), seen.toString());
    }

    @Test
    void ipSetNames() {
        assertEquals("cali40all-ipam-pools", StaticIpSet.ALL_IPAM_POOLS.name(4));
        assertEquals("cali60all-ipam-pools", StaticIpSet.ALL_IPAM_POOLS.name(6));
        assertEquals("cali40masq-ipam-pools", StaticIpSet.MASQ_IPAM_POOLS.name(4));
        assertEquals("cali60masq-ipam-pools", StaticIpSet.MASQ_IPAM_POOLS.name(6));
        assertEquals("cali40all-hosts-net", StaticIpSet.ALL_HOSTS_NET.name(4));
        assertEquals("cali40all-vxlan-net", StaticIpSet.ALL_VXLAN_NET.name(4));
        for (StaticIpSet s : StaticIpSet.values()) {
            assertEquals("hash:net", s.type());
            assertTrue(s.name(6).length() <= ChainNames.MAX_IPSET_NAME_LENGTH);
        }
        assertThrows(IllegalArgumentException.class, () -> StaticIpSet.ALL_HOSTS_NET.name(5));
    }

    /** static.go filterInputChain / filterOutputChain with VXLANEnabled (no Felix test covers these rules). */
    @Test
    void vxlanFromAndToKnownHostsOnly() {
        StaticChains rr = new StaticChains(StaticConfig.builder().marks(new Marks(0x10, 0x20, 0x40, 0x80))
                .vxlanEnabled(true).vxlanPort(4790).build());
        List<String> input = lines(find(rr.filterChains(4), "cali-INPUT"));
        assertEquals(List.of(
                "-A cali-INPUT -m comment --comment \"Allow VXLAN packets from whitelisted hosts\" -p 17 -m multiport --destination-ports 4790 -m set --match-set cali40all-vxlan-net src -m addrtype --dst-type LOCAL --jump ACCEPT",
                "-A cali-INPUT -m comment --comment \"Drop VXLAN packets from non-whitelisted hosts\" -p 17 -m multiport --destination-ports 4790 -m addrtype --dst-type LOCAL --jump DROP",
                "-A cali-INPUT --in-interface cali+ --goto cali-wl-to-host"), input.subList(0, 3));
        List<String> output = lines(find(rr.filterChains(4), "cali-OUTPUT"));
        assertEquals("-A cali-OUTPUT -m comment --comment \"Allow VXLAN packets to other whitelisted hosts\" -p 17 -m multiport --destination-ports 4790 -m addrtype --src-type LOCAL -m set --match-set cali40all-vxlan-net dst --jump ACCEPT",
                output.get(2));
        assertEquals(5, lines(find(rr.filterChains(6), "cali-INPUT")).size(), "IPv6 has no VXLAN rules");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DROP", "Accept", "return"})
    void defaultEndpointToHostAction(String action) {
        StaticChains rr = new StaticChains(StaticConfig.builder().defaultEndpointToHostAction(action).build());
        assertEquals("-A cali-wl-to-host -m comment --comment \"Configured DefaultEndpointToHostAction\" --jump "
                + action.toUpperCase(), lines(find(rr.filterChains(4), "cali-wl-to-host")).get(1));
    }

    @Test
    void forwardAppendRulesFollowFilterAllowAction() {
        StaticChains rr = new StaticChains(StaticConfig.builder().iptablesFilterAllowAction("Return").build());
        assertEquals(List.of("-A FORWARD -m comment --comment \"Policy explicitly accepted packet.\" -m mark --mark 0x10000/0x10000 --jump RETURN",
                        "-A FORWARD --jump MARK --set-mark 0x10000/0x10000"),
                rr.filterForwardAppendRules().stream().map(r -> r.renderAppend("FORWARD", "")).toList());
    }

    @Test
    void extraWorkloadPrefixesGetTheirOwnRules() {
        StaticChains rr = new StaticChains(StaticConfig.builder().workloadInterfacePrefixes(List.of("cali", "tap")).build());
        assertEquals(List.of(
                "-A cali-PREROUTING --jump MARK --set-mark 0/0xf0000",
                "-A cali-PREROUTING --in-interface cali+ --jump MARK --set-mark 0x40000/0x40000",
                "-A cali-PREROUTING --in-interface tap+ --jump MARK --set-mark 0x40000/0x40000",
                "-A cali-PREROUTING -m mark --mark 0x40000/0x40000 -m rpfilter --invert --jump DROP",
                "-A cali-PREROUTING -m mark --mark 0/0x40000 --jump cali-from-host-endpoint",
                "-A cali-PREROUTING -m mark --mark 0x10000/0x10000 --jump ACCEPT"),
                lines(find(rr.rawChains(6), "cali-PREROUTING")));
    }

    @Test
    void felixConfigurationLayersOverDefaults() {
        FelixConfiguration.Spec global = withFields(FelixConfiguration.Spec.empty(), "Accept", "Return", 0xff00L,
                List.of(new FelixConfiguration.ProtoPort("TCP", 22, null)), null, Port.range(32768, 65535));
        FelixConfiguration.Spec node = withFields(FelixConfiguration.Spec.empty(), null, null, null, null, List.of(), null);
        StaticConfig c = StaticConfig.builder().apply(global).apply(node).build();
        assertEquals("ACCEPT", c.defaultEndpointToHostAction());
        assertEquals("RETURN", c.iptablesFilterAllowAction());
        assertEquals(new Marks(0x100, 0x200, 0x400, 0x800), c.marks());
        assertEquals(List.of(new FailsafePort("tcp", 22, "")), c.failsafeInboundHostPorts());
        assertEquals(List.of(), c.failsafeOutboundHostPorts(), "the node's [] means no outbound failsafe ports");
        assertEquals(32768, c.natPortRangeMin());
        assertEquals(65535, c.natPortRangeMax());
        assertEquals(FailsafePort.DEFAULT_INBOUND, StaticConfig.builder().apply(FelixConfiguration.Spec.empty()).build()
                .failsafeInboundHostPorts());
    }

    /** A Spec with the few fields this test sets; the record is long, so copy it through its components. */
    private static FelixConfiguration.Spec withFields(FelixConfiguration.Spec base, String endpointToHost,
                                                      String filterAllow, Long markMask,
                                                      List<FelixConfiguration.ProtoPort> inbound,
                                                      List<FelixConfiguration.ProtoPort> outbound, Port natPortRange) {
        var comps = FelixConfiguration.Spec.class.getRecordComponents();
        Object[] values = new Object[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        try {
            for (int i = 0; i < comps.length; i++) {
                types[i] = comps[i].getType();
                values[i] = switch (comps[i].getName()) {
                    case "defaultEndpointToHostAction" -> endpointToHost;
                    case "iptablesFilterAllowAction" -> filterAllow;
                    case "iptablesMarkMask" -> markMask;
                    case "failsafeInboundHostPorts" -> inbound;
                    case "failsafeOutboundHostPorts" -> outbound;
                    case "natPortRange" -> natPortRange;
                    default -> comps[i].getAccessor().invoke(base);
                };
            }
            return FelixConfiguration.Spec.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StaticConfig.builder().defaultEndpointToHostAction("REJECT").build());
        assertEquals("defaultEndpointToHostAction \"REJECT\" is not allowed; allowed: DROP, RETURN, ACCEPT", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StaticConfig.builder().iptablesMangleAllowAction("DROP").build());
        assertEquals("iptablesMangleAllowAction \"DROP\" is not allowed; allowed: ACCEPT, RETURN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StaticConfig.builder().marks(new Marks(0x10, 0x10, 0x40, 0x80)).build());
        assertTrue(e.getMessage().startsWith("iptables mark pass 0x10 is not a single bit distinct"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StaticConfig.builder().vxlanPort(0).build());
        assertThrows(IllegalArgumentException.class, () -> StaticConfig.builder().natPortRange(200, 100).build());
        assertThrows(IllegalArgumentException.class,
                () -> StaticConfig.builder().workloadInterfacePrefixes(List.of("cali", "")).build());
        assertThrows(IllegalArgumentException.class, () -> DEFAULTS.tables(5, false, List.of()));
    }

    @Test
    void endpointChainsConfigCarriesTheSameSettings() {
        StaticConfig c = StaticConfig.builder().iptablesFilterAllowAction("RETURN").disableConntrackInvalidCheck(true)
                .vxlanPort(4790).allowIpipPacketsFromWorkloads(true).build();
        assertEquals(new EndpointChains.Config(c.marks(), Actions.RETURN, true, false, true, 4790), c.endpointChainsConfig());
    }
}
