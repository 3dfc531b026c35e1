package dev.tabby.probe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.net.Traffic.Direction;
import dev.tabby.probe.net.Traffic.Family;
import dev.tabby.probe.net.Traffic.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesSaveTest {
    private static final Traffic BGP_IN = new Traffic(Protocol.TCP, 179, Direction.IN, Family.V4);
    private static final Traffic BGP_OUT = new Traffic(Protocol.TCP, 179, Direction.OUT, Family.V4);
    private static final Traffic IPIP_IN = new Traffic(Protocol.IPIP, 0, Direction.IN, Family.V4);
    private static final Traffic VXLAN_IN = new Traffic(Protocol.UDP, 4789, Direction.IN, Family.V4);

    private static List<Blocking> blocking(String save, Traffic t) {
        return IptablesSave.parse("iptables-legacy", save, Family.V4).blocking(t);
    }

    private static String filter(String... lines) {
        return "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 179 -j DROP\nCOMMIT\n*filter\n"
                + String.join("\n", lines) + "\nCOMMIT\n";
    }

    @Test
    void anAcceptPolicyWithoutRulesDropsNothing() {
        assertTrue(blocking(filter(":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"), BGP_IN).isEmpty());
    }

    @Test
    void onlyTheFilterTableDecides() {
        FilterRules rules = IptablesSave.parse("x", filter(":INPUT ACCEPT [0:0]"), Family.V4);
        assertTrue(rules.blocking(BGP_IN).isEmpty());
        assertEquals(1, rules.ruleCount(), "rules of every table are counted");
    }

    /** Felix's own INPUT chains (rule_generator's static chains) drop on workload interfaces only: no peer's traffic. */
    @Test
    void felixsWorkloadDispatchDropsNothingBetweenHosts() {
        String save = filter(":INPUT ACCEPT [0:0]", ":cali-INPUT - [0:0]", ":cali-from-wl-dispatch - [0:0]",
                "-A INPUT -m comment --comment \"cali:Cz_u1IQiXIMmKD4c\" -j cali-INPUT",
                "-A cali-INPUT -i cali+ -m comment --comment \"cali:FewJpBykm9iJ-YNH\" -g cali-wl-to-host",
                "-A cali-INPUT -i cali+ -j cali-from-wl-dispatch",
                "-A cali-from-wl-dispatch -m comment --comment \"cali:zTj6P0TIgYvgz-md\" "
                        + "-m comment --comment \"Unknown interface\" -j DROP");
        assertTrue(blocking(save, BGP_IN).isEmpty(), blocking(save, BGP_IN).toString());
    }

    @Test
    void aPortRuleDropsItsPortOnly() {
        String save = filter(":INPUT ACCEPT [0:0]", "-A INPUT -p tcp -m tcp --dport 179 -j DROP");
        List<Blocking> b = blocking(save, BGP_IN);
        assertEquals(1, b.size());
        assertTrue(b.get(0).certain());
        assertEquals("filter/INPUT", b.get(0).where());
        assertEquals("-A INPUT -p tcp -m tcp --dport 179 -j DROP", b.get(0).rule());
        assertTrue(blocking(save, VXLAN_IN).isEmpty());
        assertTrue(blocking(save, BGP_OUT).isEmpty(), "INPUT rules do not see outgoing traffic");
    }

    @Test
    void aDropPolicyDropsWhatNoRuleAccepts() {
        String save = filter(":INPUT DROP [0:0]", "-A INPUT -i lo -j ACCEPT",
                "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A INPUT -p tcp -m multiport --dports 22,170:180 -j ACCEPT");
        assertTrue(blocking(save, BGP_IN).isEmpty(), "179 is in 170:180");
        List<Blocking> vxlan = blocking(save, VXLAN_IN);
        assertEquals("policy DROP", vxlan.get(0).rule());
        assertTrue(vxlan.get(0).certain(), "loopback and established-only accepts cannot let new peer traffic in");
    }

    @Test
    void userChainsAreFollowedAndReturnToTheirCaller() {
        String save = filter(":INPUT DROP [0:0]", ":ALLOW - [0:0]", ":NOPE - [0:0]", "-A INPUT -j NOPE",
                "-A INPUT -j ALLOW", "-A NOPE -p udp -j RETURN", "-A NOPE -p tcp --dport 180 -j DROP",
                "-A ALLOW -p 4 -j ACCEPT", "-A ALLOW -p tcp --dport 179 -j ACCEPT");
        assertTrue(blocking(save, BGP_IN).isEmpty());
        assertTrue(blocking(save, IPIP_IN).isEmpty());
        assertEquals("policy DROP", blocking(save, VXLAN_IN).get(0).rule());
    }

    @Test
    void conditionsTheProbeCannotJudgeMakeItAMay() {
        String save = filter(":INPUT DROP [0:0]", "-A INPUT -s 10.0.0.0/8 -j ACCEPT");
        List<Blocking> b = blocking(save, BGP_IN);
        assertEquals(1, b.size());
        assertFalse(b.get(0).certain(), "peers inside 10/8 get in");
        assertEquals("may be dropped by iptables-legacy filter/INPUT: policy DROP", b.get(0).describe());

        String specific = filter(":INPUT ACCEPT [0:0]", "-A INPUT -s 192.0.2.0/24 -p tcp --dport 179 -j REJECT");
        assertFalse(blocking(specific, BGP_IN).get(0).certain());
        String unrelated = filter(":INPUT ACCEPT [0:0]", "-A INPUT -s 192.0.2.0/24 -j DROP");
        assertTrue(blocking(unrelated, BGP_IN).isEmpty(), "a ban on some addresses is not about BGP");
    }

    @Test
    void negationsAndProtocolNames() {
        String save = filter(":INPUT ACCEPT [0:0]", "-A INPUT ! -p tcp -j DROP", "-A INPUT -p tcp ! --dport 179 -j DROP");
        assertTrue(blocking(save, BGP_IN).isEmpty());
        assertEquals(1, blocking(save, IPIP_IN).size());
        String ipencap = filter(":INPUT ACCEPT [0:0]", "-A INPUT -p ipencap -j DROP");
        assertTrue(blocking(ipencap, IPIP_IN).get(0).certain());
        assertTrue(blocking(ipencap, BGP_IN).isEmpty());
    }

    @Test
    void countersFromIptablesSaveDashCAreIgnored() {
        String save = "*filter\n:INPUT ACCEPT [10:600]\n[3:180] -A INPUT -p tcp -m tcp --dport 179 -j DROP\nCOMMIT\n";
        assertEquals(1, blocking(save, BGP_IN).size());
    }
}
