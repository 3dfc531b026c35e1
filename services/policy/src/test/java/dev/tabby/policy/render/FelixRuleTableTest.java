package dev.tabby.policy.render;

import dev.tabby.policy.render.ProtoRule.PortRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Felix v3.18's own expectations (felix rules/policy_test.go, table ruleTestData and the "Allow/pass/Log/Deny rules
 * should be correctly rendered" tables), translated to Tabby's types: every single-criterion rule renders to Felix's
 * exact match string, and each action to Felix's actions.
 */
class FelixRuleTableTest {
    /** rrConfigNormal in felix rules/policy_test.go. */
    static final Marks MARKS = new Marks(0x80, 0x100, 0x200, 0x400);

    static ProtoRule r(Consumer<ProtoRule> c) {
        ProtoRule p = new ProtoRule();
        c.accept(p);
        return p;
    }

    static List<PortRange> ports(int... firstLast) {
        List<PortRange> out = new ArrayList<>();
        for (int i = 0; i < firstLast.length; i += 2) {
            out.add(new PortRange(firstLast[i], firstLast[i + 1]));
        }
        return out;
    }

    static final List<PortRange> EIGHT_RANGES = ports(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

    static Stream<Arguments> ruleTestData() {
        return Stream.of(
                Arguments.of("Empty rule", 4, r(x -> { }), ""),
                Arguments.of("Protocol name", 4, r(x -> x.protocol = "tcp"), "-p tcp"),
                Arguments.of("Protocol num", 4, r(x -> x.protocol = "8"), "-p 8"),
                Arguments.of("Source net", 4, r(x -> x.srcNet = List.of("10.0.0.0/16")), "--source 10.0.0.0/16"),
                Arguments.of("Source IP set", 4, r(x -> x.srcIpSetIds = List.of("ipsetid1")),
                        "-m set --match-set cali40ipsetid1 src"),
                Arguments.of("Source IP sets", 4, r(x -> x.srcIpSetIds = List.of("ipsetid1", "ipsetid2")),
                        "-m set --match-set cali40ipsetid1 src -m set --match-set cali40ipsetid2 src"),
                Arguments.of("Source ports", 4, r(x -> x.srcPorts = ports(10, 12)), "-m multiport --source-ports 10:12"),
                Arguments.of("Source ports (multiple)", 4, r(x -> x.srcPorts = ports(10, 12, 20, 30, 8080, 8080)),
                        "-m multiport --source-ports 10:12,20:30,8080"),
                Arguments.of("ICMP", 4, r(x -> x.icmpType = 10), "-m icmp --icmp-type 10"),
                Arguments.of("ICMP with code", 4, r(x -> { x.icmpType = 10; x.icmpCode = 12; }), "-m icmp --icmp-type 10/12"),
                Arguments.of("ICMP v6", 6, r(x -> x.icmpType = 10), "-m icmp6 --icmpv6-type 10"),
                Arguments.of("ICMP v6 with code", 6, r(x -> { x.icmpType = 10; x.icmpCode = 12; }),
                        "-m icmp6 --icmpv6-type 10/12"),
                Arguments.of("Dest net", 4, r(x -> x.dstNet = List.of("10.0.0.0/16")), "--destination 10.0.0.0/16"),
                Arguments.of("Dest IP set", 4, r(x -> x.dstIpSetIds = List.of("ipsetid1")),
                        "-m set --match-set cali40ipsetid1 dst"),
                Arguments.of("Dest IP sets", 4, r(x -> x.dstIpSetIds = List.of("ipsetid1", "ipsetid2")),
                        "-m set --match-set cali40ipsetid1 dst -m set --match-set cali40ipsetid2 dst"),
                Arguments.of("Dest ports", 4, r(x -> x.dstPorts = ports(10, 12)), "-m multiport --destination-ports 10:12"),
                Arguments.of("Dest ports (multiple)", 4, r(x -> x.dstPorts = ports(10, 12, 20, 30, 8080, 8080)),
                        "-m multiport --destination-ports 10:12,20:30,8080"),
                Arguments.of("Not protocol name", 4, r(x -> x.notProtocol = "tcp"), "! -p tcp"),
                Arguments.of("Not protocol num", 4, r(x -> x.notProtocol = "8"), "! -p 8"),
                Arguments.of("Negated source net", 4, r(x -> x.notSrcNet = List.of("10.0.0.0/16")), "! --source 10.0.0.0/16"),
                Arguments.of("Negated source IP set", 4, r(x -> x.notSrcIpSetIds = List.of("ipsetid1")),
                        "-m set ! --match-set cali40ipsetid1 src"),
                Arguments.of("Negated source IP set v6", 6, r(x -> x.notSrcIpSetIds = List.of("ipsetid1")),
                        "-m set ! --match-set cali60ipsetid1 src"),
                Arguments.of("Negated source IP sets", 4, r(x -> x.notSrcIpSetIds = List.of("ipsetid1", "ipsetid2")),
                        "-m set ! --match-set cali40ipsetid1 src -m set ! --match-set cali40ipsetid2 src"),
                Arguments.of("Negated source ports", 4, r(x -> x.notSrcPorts = ports(10, 12)),
                        "-m multiport ! --source-ports 10:12"),
                Arguments.of("Negated source ports (multiple)", 4, r(x -> x.notSrcPorts = ports(10, 12, 20, 30, 8080, 8080)),
                        "-m multiport ! --source-ports 10:12,20:30,8080"),
                Arguments.of("Negated source ports (>15) should be broken into blocks", 4, r(x -> x.notSrcPorts = EIGHT_RANGES),
                        "-m multiport ! --source-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 -m multiport ! --source-ports 15:16"),
                Arguments.of("Not ICMP", 4, r(x -> x.notIcmpType = 10), "-m icmp ! --icmp-type 10"),
                Arguments.of("Not ICMP with code", 4, r(x -> { x.notIcmpType = 10; x.notIcmpCode = 12; }),
                        "-m icmp ! --icmp-type 10/12"),
                Arguments.of("Not ICMP v6", 6, r(x -> x.notIcmpType = 10), "-m icmp6 ! --icmpv6-type 10"),
                Arguments.of("Not ICMP v6 with code", 6, r(x -> { x.notIcmpType = 10; x.notIcmpCode = 12; }),
                        "-m icmp6 ! --icmpv6-type 10/12"),
                Arguments.of("Negated dest net", 4, r(x -> x.notDstNet = List.of("10.0.0.0/16")), "! --destination 10.0.0.0/16"),
                Arguments.of("Negated dest IP set", 4, r(x -> x.notDstIpSetIds = List.of("ipsetid1")),
                        "-m set ! --match-set cali40ipsetid1 dst"),
                Arguments.of("Negated dest IP set v6", 6, r(x -> x.notDstIpSetIds = List.of("ipsetid1")),
                        "-m set ! --match-set cali60ipsetid1 dst"),
                Arguments.of("Negated dest IP sets", 4, r(x -> x.notDstIpSetIds = List.of("ipsetid1", "ipsetid2")),
                        "-m set ! --match-set cali40ipsetid1 dst -m set ! --match-set cali40ipsetid2 dst"),
                Arguments.of("Negated dest ports", 4, r(x -> x.notDstPorts = ports(10, 12)),
                        "-m multiport ! --destination-ports 10:12"),
                Arguments.of("Negated dest ports (>15) should be broken into blocks", 4, r(x -> x.notDstPorts = EIGHT_RANGES),
                        "-m multiport ! --destination-ports 1:2,3:4,5:6,7:8,9:10,11:12,13:14 -m multiport ! --destination-ports 15:16"),
                Arguments.of("Negated dest ports (multiple)", 4, r(x -> x.notDstPorts = ports(10, 12, 20, 30, 8080, 8080)),
                        "-m multiport ! --destination-ports 10:12,20:30,8080"));
    }

    @ParameterizedTest(name = "allow: {0} (v{1})")
    @MethodSource("ruleTestData")
    void allowSetsAcceptMarkThenReturns(String name, int ipVersion, ProtoRule in, String expMatch) {
        RuleRenderer renderer = new RuleRenderer(MARKS, "calico-packet");
        List<IptRule> rules = renderer.rule(in, ipVersion);
        assertEquals(2, rules.size());
        assertEquals(expMatch, rules.get(0).renderMatch());
        assertEquals("--jump MARK --set-mark 0x80/0x80", rules.get(0).action());
        assertEquals(new IptRule(List.of("-m mark --mark 0x80/0x80"), "--jump RETURN"), rules.get(1));
        // Explicit allow is the same as empty.
        ProtoRule explicit = in.copy();
        explicit.action = "allow";
        assertEquals(rules, renderer.rule(explicit, ipVersion));
    }

    @ParameterizedTest(name = "pass: {0} (v{1})")
    @MethodSource("ruleTestData")
    void passSetsPassMarkThenReturns(String name, int ipVersion, ProtoRule in, String expMatch) {
        for (String action : List.of("next-tier", "pass")) {
            ProtoRule p = in.copy();
            p.action = action;
            List<IptRule> rules = new RuleRenderer(MARKS, "calico-packet").rule(p, ipVersion);
            assertEquals(2, rules.size());
            assertEquals(expMatch, rules.get(0).renderMatch());
            assertEquals("--jump MARK --set-mark 0x100/0x100", rules.get(0).action());
            assertEquals(new IptRule(List.of("-m mark --mark 0x100/0x100"), "--jump RETURN"), rules.get(1));
        }
    }

    @ParameterizedTest(name = "log: {0} (v{1})")
    @MethodSource("ruleTestData")
    void logLogsWithPrefix(String name, int ipVersion, ProtoRule in, String expMatch) {
        ProtoRule p = in.copy();
        p.action = "log";
        List<IptRule> rules = new RuleRenderer(MARKS, "calico-packet").rule(p, ipVersion);
        assertEquals(1, rules.size());
        assertEquals(expMatch, rules.get(0).renderMatch());
        assertEquals("--jump LOG --log-prefix \"calico-packet: \" --log-level 5", rules.get(0).action());
        List<IptRule> custom = new RuleRenderer(MARKS, "foobar").rule(p, ipVersion);
        assertEquals(1, custom.size());
        assertEquals(expMatch, custom.get(0).renderMatch());
        assertEquals("--jump LOG --log-prefix \"foobar: \" --log-level 5", custom.get(0).action());
    }

    @ParameterizedTest(name = "deny: {0} (v{1})")
    @MethodSource("ruleTestData")
    void denyDrops(String name, int ipVersion, ProtoRule in, String expMatch) {
        ProtoRule p = in.copy();
        p.action = "deny";
        List<IptRule> rules = new RuleRenderer(MARKS, "calico-packet").rule(p, ipVersion);
        assertEquals(1, rules.size());
        assertEquals(expMatch, rules.get(0).renderMatch());
        assertEquals("--jump DROP", rules.get(0).action());
    }
}
