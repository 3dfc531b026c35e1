package dev.tabby.policy.render;

import dev.tabby.policy.render.ProtoRule.PortRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.tabby.policy.render.FelixRuleTableTest.EIGHT_RANGES;
import static dev.tabby.policy.render.FelixRuleTableTest.MARKS;
import static dev.tabby.policy.render.FelixRuleTableTest.ports;
import static dev.tabby.policy.render.FelixRuleTableTest.r;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Felix v3.18's expectations for rules that need several iptables rules (felix rules/policy_test.go "CIDR split
 * tests", "Named port tests", "Port split tests", "should skip rules of incorrect IP version", "rule metadata
 * tests"), with Felix's exact lines.
 */
class FelixMatchBlockTest {
    static final String CLEAR_BOTH = "-A test --jump MARK --set-mark 0x0/0x600";
    static final String PRESET_ALL = "-A test --jump MARK --set-mark 0x200/0x600";
    static final String ALLOW_IF_ALL = "-A test -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80";
    static final String ALLOW_IF_ALL_TCP = "-A test -p tcp -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80";
    static final String ALLOW_IF_ALL_UDP = "-A test -p udp -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80";
    static final String RETURN = "-A test -m mark --mark 0x80/0x80 --jump RETURN";
    static final String AND_THIS_BLOCK = "-A test -m mark --mark 0/0x400 --jump MARK --set-mark 0/0x200";

    static List<String> render(ProtoRule rule) {
        List<String> out = new ArrayList<>();
        for (IptRule ir : new RuleRenderer(MARKS, "calico-packet").rule(rule, 4)) {
            out.add(ir.renderAppend("test", ""));
        }
        return out;
    }

    static Stream<Arguments> cidrSplits() {
        return Stream.of(
                Arguments.of(2, 0, 0, 0, List.of(CLEAR_BOTH,
                        "-A test --source 10.0.0.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --source 10.0.1.0/24 --jump MARK --set-mark 0x200/0x200", ALLOW_IF_ALL, RETURN)),
                Arguments.of(0, 2, 0, 0, List.of(PRESET_ALL,
                        "-A test --source 11.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --source 11.0.1.0/24 --jump MARK --set-mark 0/0x200", ALLOW_IF_ALL, RETURN)),
                Arguments.of(0, 0, 2, 0, List.of(CLEAR_BOTH,
                        "-A test --destination 12.0.0.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --destination 12.0.1.0/24 --jump MARK --set-mark 0x200/0x200", ALLOW_IF_ALL, RETURN)),
                Arguments.of(0, 0, 0, 2, List.of(PRESET_ALL,
                        "-A test --destination 13.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --destination 13.0.1.0/24 --jump MARK --set-mark 0/0x200", ALLOW_IF_ALL, RETURN)),
                Arguments.of(1, 1, 0, 0, List.of(PRESET_ALL,
                        "-A test --source 11.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --source 10.0.0.0/24 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of(2, 1, 0, 0, List.of(CLEAR_BOTH,
                        "-A test --source 10.0.0.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --source 10.0.1.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test ! --source 11.0.0.0/24 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of(0, 0, 1, 1, List.of(PRESET_ALL,
                        "-A test --destination 13.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --destination 12.0.0.0/24 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of(0, 0, 2, 1, List.of(CLEAR_BOTH,
                        "-A test --destination 12.0.0.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --destination 12.0.1.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test ! --destination 13.0.0.0/24 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of(1, 1, 1, 1, List.of(PRESET_ALL,
                        "-A test --source 11.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --destination 13.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --source 10.0.0.0/24 --destination 12.0.0.0/24 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80",
                        RETURN)),
                Arguments.of(2, 2, 2, 2, List.of(CLEAR_BOTH,
                        "-A test --source 10.0.0.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --source 10.0.1.0/24 --jump MARK --set-mark 0x200/0x200",
                        "-A test --destination 12.0.0.0/24 --jump MARK --set-mark 0x400/0x400",
                        "-A test --destination 12.0.1.0/24 --jump MARK --set-mark 0x400/0x400",
                        AND_THIS_BLOCK,
                        "-A test --source 11.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --source 11.0.1.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --destination 13.0.0.0/24 --jump MARK --set-mark 0/0x200",
                        "-A test --destination 13.0.1.0/24 --jump MARK --set-mark 0/0x200",
                        ALLOW_IF_ALL, RETURN)));
    }

    @ParameterizedTest(name = "{0} src, {1} !src, {2} dst, {3} !dst")
    @MethodSource("cidrSplits")
    void cidrSplit(int numSrc, int numNotSrc, int numDst, int numNotDst, List<String> expected) {
        ProtoRule rule = r(x -> {
            x.srcNet = new ArrayList<>(List.of("10.0.0.0/24", "10.0.1.0/24").subList(0, numSrc));
            x.notSrcNet = new ArrayList<>(List.of("11.0.0.0/24", "11.0.1.0/24").subList(0, numNotSrc));
            x.dstNet = new ArrayList<>(List.of("12.0.0.0/24", "12.0.1.0/24").subList(0, numDst));
            x.notDstNet = new ArrayList<>(List.of("13.0.0.0/24", "13.0.1.0/24").subList(0, numNotDst));
            x.action = "allow";
        });
        assertEquals(expected, render(rule));
    }

    static Stream<Arguments> namedPorts() {
        return Stream.of(
                Arguments.of("Named port on its own rendered as single rule",
                        r(x -> { x.protocol = "tcp"; x.srcNamedPortIpSetIds = List.of("ipset-1"); }),
                        List.of("-A test -p tcp -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of("Two named ports need a block",
                        r(x -> { x.protocol = "udp"; x.srcNamedPortIpSetIds = List.of("ipset-1", "ipset-2"); }),
                        List.of(CLEAR_BOTH,
                                "-A test -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-2 src,src --jump MARK --set-mark 0x200/0x200",
                                ALLOW_IF_ALL_UDP, RETURN)),
                Arguments.of("Multiple named + numeric ports",
                        r(x -> { x.protocol = "tcp"; x.srcPorts = EIGHT_RANGES;
                            x.srcNamedPortIpSetIds = List.of("ipset-1", "ipset-2", "ipset-3"); }),
                        List.of(CLEAR_BOTH,
                                "-A test -p tcp -m multiport --source-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 --jump MARK --set-mark 0x200/0x200",
                                "-A test -p tcp -m multiport --source-ports 15:16 --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-2 src,src --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-3 src,src --jump MARK --set-mark 0x200/0x200",
                                ALLOW_IF_ALL_TCP, RETURN)),
                Arguments.of("Overflow of numeric ports",
                        r(x -> { x.protocol = "udp"; x.srcPorts = EIGHT_RANGES; }),
                        List.of(CLEAR_BOTH,
                                "-A test -p udp -m multiport --source-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 --jump MARK --set-mark 0x200/0x200",
                                "-A test -p udp -m multiport --source-ports 15:16 --jump MARK --set-mark 0x200/0x200",
                                ALLOW_IF_ALL_UDP, RETURN)),
                Arguments.of("Named + numeric source ports need a block",
                        r(x -> { x.protocol = "tcp"; x.srcPorts = ports(1, 2); x.srcNamedPortIpSetIds = List.of("ipset-1"); }),
                        List.of(CLEAR_BOTH,
                                "-A test -p tcp -m multiport --source-ports 1:2 --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x200/0x200",
                                ALLOW_IF_ALL_TCP, RETURN)),
                Arguments.of("Single named port fits in rule",
                        r(x -> { x.protocol = "tcp"; x.dstNamedPortIpSetIds = List.of("ipset-1"); }),
                        List.of("-A test -p tcp -m set --match-set cali40ipset-1 dst,dst --jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of("Positive source and dest need blocks",
                        r(x -> { x.protocol = "tcp"; x.srcPorts = ports(1, 2); x.srcNamedPortIpSetIds = List.of("ipset-1");
                            x.dstPorts = ports(3, 4); x.dstNamedPortIpSetIds = List.of("ipset-2"); }),
                        List.of(CLEAR_BOTH,
                                "-A test -p tcp -m multiport --source-ports 1:2 --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x200/0x200",
                                "-A test -p tcp -m multiport --destination-ports 3:4 --jump MARK --set-mark 0x400/0x400",
                                "-A test -m set --match-set cali40ipset-2 dst,dst --jump MARK --set-mark 0x400/0x400",
                                AND_THIS_BLOCK, ALLOW_IF_ALL_TCP, RETURN)),
                Arguments.of("Positive dest needs block only",
                        r(x -> { x.protocol = "tcp"; x.srcPorts = ports(1, 2); x.dstPorts = ports(3, 4);
                            x.dstNamedPortIpSetIds = List.of("ipset-1"); }),
                        List.of(CLEAR_BOTH,
                                "-A test -p tcp -m multiport --destination-ports 3:4 --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-1 dst,dst --jump MARK --set-mark 0x200/0x200",
                                "-A test -p tcp -m multiport --source-ports 1:2 -m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80",
                                RETURN)),
                Arguments.of("Multiple negated named + numeric ports rendered in single rule",
                        r(x -> { x.protocol = "udp"; x.notDstPorts = EIGHT_RANGES;
                            x.notDstNamedPortIpSetIds = List.of("ipset-1", "ipset-2", "ipset-3"); }),
                        List.of("-A test -p udp "
                                + "-m multiport ! --destination-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 "
                                + "-m multiport ! --destination-ports 15:16 "
                                + "-m set ! --match-set cali40ipset-1 dst,dst "
                                + "-m set ! --match-set cali40ipset-2 dst,dst "
                                + "-m set ! --match-set cali40ipset-3 dst,dst "
                                + "--jump MARK --set-mark 0x80/0x80", RETURN)),
                Arguments.of("positive and negated numeric, named ports and CIDRs",
                        r(x -> { x.protocol = "tcp"; x.srcPorts = EIGHT_RANGES; x.srcNamedPortIpSetIds = List.of("ipset-1");
                            x.srcNet = new ArrayList<>(List.of("10.1.0.0/16", "11.0.0.0/8"));
                            x.notSrcPorts = ports(101, 101); x.notSrcNamedPortIpSetIds = List.of("ipset-3");
                            x.notSrcNet = new ArrayList<>(List.of("14.1.0.0/16", "15.0.0.0/8"));
                            x.dstPorts = ports(2, 3); x.dstNamedPortIpSetIds = List.of("ipset-2");
                            x.dstNet = new ArrayList<>(List.of("12.1.0.0/16", "13.0.0.0/8"));
                            x.notDstPorts = ports(201, 201); x.notDstNamedPortIpSetIds = List.of("ipset-4");
                            x.notDstNet = new ArrayList<>(List.of("16.1.0.0/16", "17.0.0.0/8")); }),
                        List.of(CLEAR_BOTH,
                                "-A test -p tcp -m multiport --source-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 --jump MARK --set-mark 0x200/0x200",
                                "-A test -p tcp -m multiport --source-ports 15:16 --jump MARK --set-mark 0x200/0x200",
                                "-A test -m set --match-set cali40ipset-1 src,src --jump MARK --set-mark 0x200/0x200",
                                "-A test -p tcp -m multiport --destination-ports 2:3 --jump MARK --set-mark 0x400/0x400",
                                "-A test -m set --match-set cali40ipset-2 dst,dst --jump MARK --set-mark 0x400/0x400",
                                AND_THIS_BLOCK,
                                "-A test --source 10.1.0.0/16 --jump MARK --set-mark 0x400/0x400",
                                "-A test --source 11.0.0.0/8 --jump MARK --set-mark 0x400/0x400",
                                AND_THIS_BLOCK,
                                "-A test --destination 12.1.0.0/16 --jump MARK --set-mark 0x400/0x400",
                                "-A test --destination 13.0.0.0/8 --jump MARK --set-mark 0x400/0x400",
                                AND_THIS_BLOCK,
                                "-A test --source 14.1.0.0/16 --jump MARK --set-mark 0/0x200",
                                "-A test --source 15.0.0.0/8 --jump MARK --set-mark 0/0x200",
                                "-A test --destination 16.1.0.0/16 --jump MARK --set-mark 0/0x200",
                                "-A test --destination 17.0.0.0/8 --jump MARK --set-mark 0/0x200",
                                "-A test -p tcp -m multiport ! --source-ports 101 -m set ! --match-set cali40ipset-3 src,src "
                                        + "-m multiport ! --destination-ports 201 -m set ! --match-set cali40ipset-4 dst,dst "
                                        + "-m mark --mark 0x200/0x200 --jump MARK --set-mark 0x80/0x80",
                                RETURN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedPorts")
    void namedPort(String name, ProtoRule rule, List<String> expected) {
        assertEquals(expected, render(rule));
    }

    @Test
    void portSplitsFollowFelix() {
        assertEquals(List.of(), RuleRenderer.splitPortList(List.of()));
        List<PortRange> fifteen = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            fifteen.add(PortRange.of(i));
        }
        assertEquals(List.of(fifteen), RuleRenderer.splitPortList(fifteen));
        List<PortRange> sixteen = new ArrayList<>(fifteen);
        sixteen.add(PortRange.of(16));
        assertEquals(List.of(fifteen, List.of(PortRange.of(16))), RuleRenderer.splitPortList(sixteen));
        // "port range straggling 15-16 should be put in second group": 14 singles then a range.
        List<PortRange> straggle = new ArrayList<>(fifteen.subList(0, 14));
        straggle.add(new PortRange(15, 16));
        assertEquals(List.of(fifteen.subList(0, 14), List.of(new PortRange(15, 16))), RuleRenderer.splitPortList(straggle));
    }

    @Test
    void rulesOfTheOtherIpVersionOrOnlyOtherVersionNetsAreSkipped() {
        RuleRenderer renderer = new RuleRenderer(MARKS, "calico-packet");
        assertEquals(List.of(), renderer.rules(List.of(r(x -> x.ipVersion = 4)), 6));
        assertEquals(List.of(), renderer.rules(List.of(r(x -> x.srcNet = List.of("10.0.0.1/32"))), 6));
        assertEquals(List.of(), renderer.rules(List.of(r(x -> x.notDstNet = List.of("feed::beef/128"))), 4));
        // Mixed: only this version's nets are kept.
        List<IptRule> mixed = renderer.rules(List.of(r(x -> x.srcNet = List.of("10.0.0.1/32", "feed::beef/128"))), 6);
        assertEquals("--source feed::beef/128", mixed.get(0).renderMatch());
    }

    @Test
    void annotationsBecomeCommentsOnEveryRule() {
        ProtoRule rule = r(x -> { x.protocol = "tcp"; x.annotations.put("testkey00", "testvalue00");
            x.annotations.put("testkey01", "testvalue01"); });
        for (int v : new int[]{4, 6}) {
            List<IptRule> rs = new RuleRenderer(MARKS, "calico-packet").rule(rule, v);
            assertEquals(2, rs.size());
            for (IptRule ir : rs) {
                assertTrue(ir.comments().contains("testkey00=testvalue00"));
                assertTrue(ir.comments().contains("testkey01=testvalue01"));
            }
        }
        assertEquals("-A c -m comment --comment \"a=b_c\" -p tcp --jump DROP",
                new IptRule(List.of("-p tcp"), "--jump DROP", List.of("a=b\"c")).renderAppend("c", ""));
    }
}
