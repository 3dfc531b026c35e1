package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import dev.tabby.policy.render.ChainNames;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Names and IDs from Calico's own tests, so Tabby's chains and sets carry the names Felix gives them. */
class CalicoNamingTest {

    /** felix hashutils/id_test.go. */
    @Test
    void lengthLimitedIdMatchesFelix() {
        assertEquals("felix1234", Hashes.lengthLimitedId("felix", "1234", 10));
        assertEquals("felix123456", Hashes.lengthLimitedId("felix", "123456", 11));
        assertEquals("felix_kMQI", Hashes.lengthLimitedId("felix", "_2345", 10));
        assertEquals("felix_Y2QCZIS", Hashes.lengthLimitedId("felix", "12345678910", 13));
    }

    /** libcalico-go lib/selector/parser/parser_test.go: selector UniqueIDs, which are Felix's IP set IDs. */
    @Test
    void selectorIpSetIdsMatchLibcalico() {
        assertEquals("s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug", IpSetSpec.forSelector(Selector.parse("")).id());
        assertEquals("s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug", IpSetSpec.forSelector(Selector.parse(" (all() )")).id());
        assertEquals("s:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q",
                IpSetSpec.forSelector(Selector.parse("! (has( b)||! has(a ))")).id());
        assertEquals("s:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w",
                IpSetSpec.forSelector(Selector.parse("! (a == \"b\"&&! c != \"d\")")).id());
    }

    @Test
    void ipSetNamesAreCutTo31Characters() {
        String id = "s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug";
        assertEquals("cali40s:5y5I3VdRZfDU01O--xXAPx2", ChainNames.mainIpSet(4, id));
        assertEquals("cali60s:5y5I3VdRZfDU01O--xXAPx2", ChainNames.mainIpSet(6, id));
        // felix ipsets/ipsets_test.go: ipSetID "s:qMt7iLlGDhvLnCjM0l9nzxbabcd" is named "cali40s:qMt7iLlGDhvLnCjM0l9nzxb".
        assertEquals("cali40s:qMt7iLlGDhvLnCjM0l9nzxb", ChainNames.mainIpSet(4, "s:qMt7iLlGDhvLnCjM0l9nzxbabcd"));
    }

    @Test
    void policyChainNamesUseTheKeyNameAndHashWhenLong() {
        assertEquals("cali-pi-allow-dns", ChainNames.policyChain(ChainNames.POLICY_INBOUND, "allow-dns"));
        assertEquals("cali-po-shop/web", ChainNames.policyChain(ChainNames.POLICY_OUTBOUND, "shop/web"));
        assertEquals("cali-pri-kns.default", ChainNames.profileChain(ChainNames.PROFILE_INBOUND, "kns.default"));
        String longName = ChainNames.policyChain(ChainNames.POLICY_INBOUND, "a-namespace/a-rather-long-policy-name");
        assertEquals(28, longName.length());
        assertEquals("cali-pi-_", longName.substring(0, 9));
        assertEquals(Hashes.lengthLimitedId("cali-pi-", "a-namespace/a-rather-long-policy-name", 28), longName);
    }
}
