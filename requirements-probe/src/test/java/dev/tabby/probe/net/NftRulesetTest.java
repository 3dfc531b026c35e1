package dev.tabby.probe.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.probe.net.Traffic.Direction;
import dev.tabby.probe.net.Traffic.Family;
import dev.tabby.probe.net.Traffic.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftRulesetTest {
    private static List<Blocking> blocking(String ruleset, Protocol p, int port, Direction d, Family f) {
        return NftRuleset.parse("nft", ruleset).blocking(new Traffic(p, port, d, f));
    }

    private static final String FIREWALLD_LIKE = """
            table inet firewalld {
            	chain filter_INPUT {
            		type filter hook input priority filter + 10; policy accept;
            		ct state { established, related } accept
            		ct state invalid drop
            		iifname "lo" accept
            		jump filter_INPUT_ZONES
            		reject with icmpx admin-prohibited
            	}

            	chain filter_INPUT_ZONES {
            		goto filter_IN_public
            	}

            	chain filter_IN_public {
            		meta l4proto { icmp, ipv6-icmp } accept
            		tcp dport 22 accept
            		tcp dport 179 ct state { new, untracked } accept
            	}
            }
            table ip raw {
            	chain PREROUTING {
            		type filter hook prerouting priority raw; policy accept;
            		udp dport 4789 drop
            	}
            }
            """;

    @Test
    void jumpsAndGotosAreFollowedToTheFinalReject() {
        assertTrue(blocking(FIREWALLD_LIKE, Protocol.TCP, 179, Direction.IN, Family.V4).isEmpty());
        assertTrue(blocking(FIREWALLD_LIKE, Protocol.TCP, 179, Direction.IN, Family.V6).isEmpty());
        List<Blocking> etcd = blocking(FIREWALLD_LIKE, Protocol.TCP, 2379, Direction.IN, Family.V4);
        assertEquals(1, etcd.size());
        assertEquals("inet firewalld/filter_INPUT", etcd.get(0).where());
        assertEquals("reject with icmpx admin-prohibited", etcd.get(0).rule());
        assertTrue(etcd.get(0).certain());
    }

    @Test
    void onlyInputAndOutputHooksCount() {
        assertEquals(1, blocking(FIREWALLD_LIKE, Protocol.UDP, 4789, Direction.IN, Family.V4).size(),
                "the prerouting drop is not counted, the final reject is");
        assertEquals("reject with icmpx admin-prohibited",
                blocking(FIREWALLD_LIKE, Protocol.UDP, 4789, Direction.IN, Family.V4).get(0).rule());
        assertTrue(blocking(FIREWALLD_LIKE, Protocol.TCP, 2379, Direction.OUT, Family.V4).isEmpty());
    }

    @Test
    void familiesApply() {
        String v6only = """
                table ip6 filter {
                	chain input {
                		type filter hook input priority 0; policy drop;
                	}
                }
                """;
        assertTrue(blocking(v6only, Protocol.TCP, 179, Direction.IN, Family.V4).isEmpty());
        assertEquals("policy DROP", blocking(v6only, Protocol.TCP, 179, Direction.IN, Family.V6).get(0).rule());
    }

    @Test
    void protocolsPortsSetsAndRanges() {
        String rules = """
                table inet t {
                	chain out {
                		type filter hook output priority 0; policy accept;
                		ip protocol ipencap drop
                		udp dport 4000-5000 drop
                		tcp dport != 179 drop
                		th dport 5473 drop
                	}
                }
                """;
        assertTrue(blocking(rules, Protocol.IPIP, 0, Direction.OUT, Family.V4).get(0).certain());
        assertTrue(blocking(rules, Protocol.IPIP, 0, Direction.OUT, Family.V6).isEmpty(), "ip protocol is IPv4 only");
        assertEquals("udp dport 4000-5000 drop", blocking(rules, Protocol.UDP, 4789, Direction.OUT, Family.V4).get(0).rule());
        assertTrue(blocking(rules, Protocol.TCP, 179, Direction.OUT, Family.V4).isEmpty());
        assertEquals("tcp dport != 179 drop", blocking(rules, Protocol.TCP, 5473, Direction.OUT, Family.V4).get(0).rule());
    }

    @Test
    void namedSetsAndAddressesMakeItAMay() {
        String rules = """
                table inet t {
                	set blocked {
                		type inet_service
                		elements = { 179 }
                	}
                	chain in {
                		type filter hook input priority 0; policy accept;
                		tcp dport @blocked drop
                		ip saddr 198.51.100.0/24 tcp dport 179 drop
                	}
                }
                """;
        List<Blocking> b = blocking(rules, Protocol.TCP, 179, Direction.IN, Family.V4);
        assertEquals(1, b.size());
        assertFalse(b.get(0).certain());
        assertEquals("tcp dport @blocked drop", b.get(0).rule(), "the set may hold 179");
    }

    @Test
    void handlesAndCommentsAreIgnored() {
        String rules = """
                table inet t { # handle 1
                	chain in { # handle 2
                		type filter hook input priority 0; policy accept;
                		tcp dport 179 counter packets 0 bytes 0 drop comment "no bgp" # handle 3
                	}
                }
                """;
        List<Blocking> b = blocking(rules, Protocol.TCP, 179, Direction.IN, Family.V4);
        assertEquals("tcp dport 179 counter packets 0 bytes 0 drop comment \"no bgp\"", b.get(0).rule());
        assertEquals(1, NftRuleset.parse("nft", rules).ruleCount());
    }
}
