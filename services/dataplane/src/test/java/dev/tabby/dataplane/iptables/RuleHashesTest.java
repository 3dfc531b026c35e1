package dev.tabby.dataplane.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule hashes must equal Felix's bit for bit, so Tabby and Felix recognise each other's rules. */
class RuleHashesTest {

    @Test
    void matchesFelixTestVector() {
        // Felix v3.18 iptables/table_test.go "after inserting a rule": DropAction in FORWARD.
        assertEquals(List.of("hecdSCslEjdBPBPo"), RuleHashes.of("FORWARD", List.of("--jump DROP")));
    }

    @Test
    void matchesFelixInputHookSeenOnRealNodes() {
        // The "-j cali-INPUT" hook Felix inserts into INPUT carries this comment on every Calico node.
        assertEquals(List.of("Cz_u1IQiXIMmKD4c"), RuleHashes.of("INPUT", List.of("--jump cali-INPUT")));
    }

    @Test
    void aRuleHashDependsOnTheChainAndOnTheRulesAboveIt() {
        List<String> ab = RuleHashes.of("cali-x", List.of("--jump A", "--jump B"));
        List<String> cb = RuleHashes.of("cali-x", List.of("--jump C", "--jump B"));
        assertEquals(16, ab.get(0).length());
        assertNotEquals(ab.get(1), cb.get(1));
        assertNotEquals(ab.get(0), RuleHashes.of("cali-y", List.of("--jump A")).get(0));
    }
}
