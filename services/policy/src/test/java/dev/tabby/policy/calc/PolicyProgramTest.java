package dev.tabby.policy.calc;

import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.Rule.EntityRule;
import dev.tabby.policy.render.Chain;
import dev.tabby.policy.render.IptRule;
import dev.tabby.policy.render.Marks;
import dev.tabby.policy.render.RuleRenderer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tabby.policy.calc.Fixtures.np;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A whole policy into its two chains, with the default mark mask. */
class PolicyProgramTest {

    @Test
    void defaultMaskGivesFelixsDefaultMarks() {
        assertEquals(new Marks(0x10000, 0x20000, 0x40000, 0x80000), Marks.fromMask(Marks.DEFAULT_MASK));
        assertEquals(new Marks(0x1, 0x4, 0x10, 0x40), Marks.fromMask(0x55));
        assertThrows(IllegalArgumentException.class, () -> Marks.fromMask(0x7));
    }

    @Test
    void networkPolicyRendersPiAndPoChainsWithItsSets() {
        Rule allowWebOnHttp = new Rule("Allow", null, Protocol.TCP, null, null, null,
                new EntityRule(null, null, "role == 'frontend'", null, null, null, null, null),
                new EntityRule(null, null, null, null, null, List.of(Port.number(80), Port.range(8000, 8080)), null, null),
                null, null);
        Rule denyRest = new Rule("Deny", null, null, null, null, null, null, null, null, null);
        Rule logEgress = new Rule("Log", 4, null, null, null, null, null,
                new EntityRule(List.of("10.0.0.0/8"), null, null, null, null, null, null, null), null, null);
        PolicyProgram prog = PolicyProgram.of(CalicoPolicy.of(np("shop", "web", 10.0, "role == 'web'", null,
                List.of(allowWebOnHttp, denyRest), List.of(logEgress))), new RuleRenderer(Marks.fromMask(Marks.DEFAULT_MASK),
                RuleRenderer.DEFAULT_LOG_PREFIX), 4);

        String srcSetId = Hashes.uniqueId("s",
                dev.tabby.model.selector.Selector.parse("(projectcalico.org/namespace == 'shop') && (role == 'frontend')").toString());
        String setName = ("cali40" + srcSetId).substring(0, 31);
        assertEquals(Map.of(srcSetId, IpSetSpec.forSelector(
                dev.tabby.model.selector.Selector.parse("(projectcalico.org/namespace == 'shop') && (role == 'frontend')"))),
                prog.ipSets());
        Chain in = prog.chains().get(0);
        Chain out = prog.chains().get(1);
        assertEquals("cali-pi-shop/web", in.name());
        assertEquals("cali-po-shop/web", out.name());
        assertEquals(List.of(
                "-A cali-pi-shop/web -p tcp -m set --match-set " + setName + " src -m multiport --destination-ports 80,8000:8080 "
                        + "--jump MARK --set-mark 0x10000/0x10000",
                "-A cali-pi-shop/web -m mark --mark 0x10000/0x10000 --jump RETURN",
                "-A cali-pi-shop/web --jump DROP"), in.rules().stream().map(r -> r.renderAppend(in.name(), "")).toList());
        assertEquals(List.of(new IptRule(List.of("--destination 10.0.0.0/8"),
                "--jump LOG --log-prefix \"calico-packet: \" --log-level 5")), out.rules());
        // The ipVersion 4 rule is not rendered for IPv6.
        PolicyProgram v6 = PolicyProgram.of(CalicoPolicy.of(np("shop", "web", 10.0, "", null, null, List.of(logEgress))),
                new RuleRenderer(Marks.fromMask(Marks.DEFAULT_MASK), RuleRenderer.DEFAULT_LOG_PREFIX), 6);
        assertEquals(List.of(), v6.chains().get(1).rules());
    }

    @Test
    void passRuleSetsThePassMark() {
        Rule pass = new Rule("Pass", null, null, null, null, null, null, null, null, null);
        PolicyProgram prog = PolicyProgram.of(Fixtures.profile("kns.shop", null, List.of(pass), null),
                new RuleRenderer(Marks.fromMask(Marks.DEFAULT_MASK), RuleRenderer.DEFAULT_LOG_PREFIX), 4);
        assertEquals("cali-pri-kns.shop", prog.chains().get(0).name());
        assertEquals(List.of(new IptRule(List.of(), "--jump MARK --set-mark 0x20000/0x20000"),
                new IptRule(List.of("-m mark --mark 0x20000/0x20000"), "--jump RETURN")), prog.chains().get(0).rules());
        assertEquals("cali-pro-kns.shop", prog.chains().get(1).name());
    }
}
