package dev.tabby.policy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flow logs' NFLOG rules in the rendered chains (Tabby's own; Felix OSS v3.18 renders none, so with flow logs off
 * every chain is Felix's, which the Felix* tests pin).
 */
class FlowLogRulesTest {
    static final Marks MARKS = new Marks(0x80, 0x100, 0x200, 0x400);
    static final FlowLogRules FLOWS = FlowLogRules.DEFAULT;

    private static ProtoRule rule(String action, int port) {
        ProtoRule r = new ProtoRule();
        r.action = action;
        r.protocol = "tcp";
        r.dstPorts.add(ProtoRule.PortRange.of(port));
        return r;
    }

    private static String nflog(int group, boolean allow, int index, String policy) {
        return "--jump NFLOG --nflog-group " + group + " --nflog-prefix \""
                + VerdictPrefix.of(allow, index, policy).encode() + "\" --nflog-size 120";
    }

    @Test
    void eachAllowAndDenyIsLoggedJustBeforeItsVerdictWithTheSameMatchAndItsIndex() {
        RuleRenderer r = new RuleRenderer(MARKS, "calico-packet", FLOWS);
        List<ProtoRule> inbound = List.of(rule("allow", 80), rule("log", 81), rule("pass", 82), rule("deny", 83));
        List<Chain> chains = r.policyChains("shop/web", inbound, List.of(rule("deny", 53)), 4);

        List<IptRule> in = chains.get(0).rules();
        List<String> match80 = List.of("-p tcp", "-m multiport --destination-ports 80");
        assertEquals(new IptRule(match80, nflog(1, true, 0, "shop/default.web")), in.get(0));
        assertEquals(new IptRule(match80, "--jump MARK --set-mark 0x80/0x80"), in.get(1));
        List<String> match83 = List.of("-p tcp", "-m multiport --destination-ports 83");
        int deny = in.indexOf(new IptRule(match83, "--jump DROP"));
        assertEquals(new IptRule(match83, nflog(1, false, 3, "shop/default.web")), in.get(deny - 1),
                "the deny of rule 3 is logged under index 3, log and pass rules keep their indexes");
        assertEquals(8, in.size(), "allow: NFLOG, mark, return; log: LOG only; pass: mark, return; deny: NFLOG, drop");
        assertEquals(2, in.stream().filter(x -> x.action().contains("NFLOG")).count());
        assertEquals(nflog(2, false, 0, "shop/default.web"), chains.get(1).rules().get(0).action(), "egress: group 2");

        List<Chain> profile = r.profileChains("kns.shop", List.of(rule("allow", 80)), List.of(), 4);
        assertEquals(nflog(1, true, 0, "profile:kns.shop"), profile.get(0).rules().get(0).action());
    }

    @Test
    void withFlowLogsOffTheRulesAreFelixsExactly() {
        List<ProtoRule> rules = List.of(rule("allow", 80), rule("deny", 83));
        List<Chain> off = new RuleRenderer(MARKS, "calico-packet").policyChains("web", rules, rules, 4);
        List<Chain> on = new RuleRenderer(MARKS, "calico-packet", FLOWS).policyChains("web", rules, rules, 4);
        for (int i = 0; i < 2; i++) {
            List<IptRule> withoutNflog = new ArrayList<>(on.get(i).rules());
            withoutNflog.removeIf(x -> x.action().contains("NFLOG"));
            assertEquals(off.get(i).rules(), withoutNflog);
            assertFalse(off.get(i).rules().stream().anyMatch(x -> x.action().contains("NFLOG")));
        }
    }

    @Test
    void endpointChainsLogTheEndOfTierDropAndTheFinalDrop() {
        EndpointChains.Config config = EndpointChains.Config.defaults(new Marks(0x8, 0x10, 0x20, 0x40));
        List<Chain> on = new EndpointChains(config.withFlowLogs(FLOWS)).workload("cali1", true, List.of("web"),
                List.of("web"), List.of("kns.shop"));
        List<IptRule> tw = on.get(0).rules();
        int endOfTier = tw.indexOf(new IptRule(List.of("-m mark --mark 0/0x10"), "--jump DROP",
                List.of("Drop if no policies passed packet")));
        assertEquals(new IptRule(List.of("-m mark --mark 0/0x10"), nflog(1, false, -1, "end-of-tier:default")),
                tw.get(endOfTier - 1));
        assertEquals(new IptRule(List.of(), nflog(1, false, -1, "profile:kns.shop")), tw.get(tw.size() - 2));
        assertEquals(nflog(2, false, -1, "profile:kns.shop"), on.get(1).rules().get(on.get(1).rules().size() - 2).action(),
                "from the workload: egress, group 2");
        List<Chain> noProfile = new EndpointChains(config.withFlowLogs(FLOWS)).workload("cali1", true, List.of(),
                List.of(), List.of());
        List<IptRule> rules = noProfile.get(0).rules();
        assertEquals(nflog(1, false, -1, "no-policy"), rules.get(rules.size() - 2).action());
        // The conntrack shortcut comes first: only a connection's first packets reach the NFLOG rules.
        assertTrue(rules.get(0).match().contains("-m conntrack --ctstate RELATED,ESTABLISHED"));

        List<Chain> off = new EndpointChains(config).workload("cali1", true, List.of("web"), List.of("web"),
                List.of("kns.shop"));
        assertFalse(off.toString().contains("NFLOG"));
    }
}
