package dev.tabby.policy.calc;

import dev.tabby.model.selector.Selector;
import dev.tabby.model.v3.Port;
import dev.tabby.model.v3.Protocol;
import dev.tabby.model.v3.Rule;
import dev.tabby.model.v3.Rule.EntityRule;
import dev.tabby.model.v3.Rule.Icmp;
import dev.tabby.model.v3.Rule.ServiceAccounts;
import dev.tabby.policy.render.IptRule;
import dev.tabby.policy.render.Marks;
import dev.tabby.policy.render.ProtoRule;
import dev.tabby.policy.render.ProtoRule.PortRange;
import dev.tabby.policy.render.RuleRenderer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * v3 rules into Felix's rules. Selector expectations are libcalico-go's
 * (lib/backend/syncersv1/updateprocessors/rules_test.go), compared through Tabby's canonical selector text (Calico's
 * String()), since Felix parses the combined selector before hashing it.
 */
class RuleConverterTest {

    static EntityRule entity(String selector, String notSelector, String namespaceSelector, ServiceAccounts sa) {
        return new EntityRule(null, null, selector, notSelector, namespaceSelector, null, null, sa);
    }

    static Rule rule(String action, EntityRule src, EntityRule dst) {
        return new Rule(action, null, null, null, null, null, src, dst, null, null);
    }

    static String canonical(String selector) {
        return Selector.parse(selector).toString();
    }

    @Test
    void networkPolicyRuleSelectorsAreScopedToItsNamespace() {
        // rules_test.go "should parse a rule with both a selector and namespace selector" and the NP cases.
        assertEquals(canonical("(projectcalico.org/namespace == 'namespace2') && (mylabel == 'value1')"),
                canonical(RuleConverter.entitySelector(entity("mylabel == 'value1'", "has(label1)", null, null), "namespace2")));
        // A side with only a notSelector still gets the namespace scope.
        assertEquals("projectcalico.org/namespace == 'namespace2'",
                RuleConverter.entitySelector(entity(null, "has(label2)", null, null), "namespace2"));
        // No selector at all: no scope, the side matches by nets/ports only.
        assertNull(RuleConverter.entitySelector(entity(null, null, null, null), "namespace2"));
        // A profile (no namespace) rule keeps its selector as written.
        assertEquals("has(foo)", RuleConverter.entitySelector(entity("has(foo)", null, null, null), null));
    }

    @Test
    void namespaceSelectorsArePrefixedWithPcns() {
        assertEquals(canonical("pcns.namespacelabel1 == \"value1\""),
                canonical(RuleConverter.entitySelector(entity(null, "has(label2)", "namespacelabel1 == 'value1'", null), "ns")));
        assertEquals(canonical("(pcns.key == \"value\") && (projectcalico.org/orchestrator == 'k8s')"), canonical(
                RuleConverter.entitySelector(entity("projectcalico.org/orchestrator == 'k8s'", null, "key == 'value'", null), "namespace")));
        assertEquals("(!has(pcns.key) || (has(pcns.key) && !pcns.key in {\"value\"}))", canonical(RuleConverter.entitySelector(
                entity(null, null, "!has(key) || (has(key) && !key in {'value'})", null), "namespace")));
        assertEquals("has(projectcalico.org/namespace)", RuleConverter.entitySelector(entity(null, null, "all()", null), null));
        assertEquals("!has(projectcalico.org/namespace)", RuleConverter.entitySelector(entity(null, null, "global()", null), null));
    }

    @Test
    void serviceAccountsMatchPcsaLabelsAndNames() {
        // rules_test.go "should parse a serviceaccount match".
        assertEquals(canonical("(projectcalico.org/namespace == 'namespace') && ((pcsa.key == \"value1\") && "
                        + "(projectcalico.org/serviceaccount in {\"sa1\", \"sa2\"}))"),
                canonical(RuleConverter.entitySelector(entity(null, null, null,
                        new ServiceAccounts(List.of("sa1", "sa2"), "key == 'value1'")), "namespace")));
        assertEquals(canonical("(pcns.nskey == \"nsvalue\") && ((pcsa.key == \"value2\") && "
                        + "(projectcalico.org/serviceaccount in {\"sa3\"}))"),
                canonical(RuleConverter.entitySelector(entity(null, null, "nskey == 'nsvalue'",
                        new ServiceAccounts(List.of("sa3"), "key == 'value2'")), "namespace")));
        // Raw text exactly as libcalico-go's "with global namespace and no namespace selector" case.
        assertEquals("(pcsa.key == \"value1\") && (projectcalico.org/serviceaccount in {\"sa1\", \"sa2\"})",
                RuleConverter.entitySelector(entity(null, null, null,
                        new ServiceAccounts(List.of("sa1", "sa2"), "key == 'value1'")), null));
    }

    @Test
    void everyRuleFieldIsCarriedInV1Spelling() {
        // rules_test.go "should convert an ingress rule": action allow, protocol tcp, notProtocol udp, ICMP type/code.
        Rule r = new Rule("Allow", 4, Protocol.parse("TCP"), Protocol.parse("UDP"), new Icmp(100, 150), new Icmp(101, 151),
                new EntityRule(List.of("10.100.10.1"), List.of("192.168.40.1"), null, null, null,
                        List.of(Port.number(80)), List.of(Port.number(443)), null),
                new EntityRule(List.of("10.100.1.1/24"), List.of("192.168.80.1"), null, null, null,
                        List.of(Port.number(443)), List.of(Port.range(8000, 8080)), null),
                null, new Rule.Metadata(Map.of("fizz", "buzz")));
        ProtoRule p = RuleConverter.convert(r, null).rule();
        assertEquals("allow", p.action);
        assertEquals(4, p.ipVersion);
        assertEquals("tcp", p.protocol);
        assertEquals("udp", p.notProtocol);
        assertEquals(100, p.icmpType);
        assertEquals(150, p.icmpCode);
        assertEquals(101, p.notIcmpType);
        assertEquals(151, p.notIcmpCode);
        assertEquals(List.of("10.100.10.1/32"), p.srcNet);
        assertEquals(List.of("192.168.40.1/32"), p.notSrcNet);
        assertEquals(List.of("10.100.1.0/24"), p.dstNet);
        assertEquals(List.of(PortRange.of(80)), p.srcPorts);
        assertEquals(List.of(PortRange.of(443)), p.notSrcPorts);
        assertEquals(List.of(new PortRange(8000, 8080)), p.notDstPorts);
        assertEquals(Map.of("fizz", "buzz"), p.annotations);
        assertEquals(List.of(), p.srcIpSetIds);
        // Protocol by number stays a number; UDPLite and ICMPv6 in lower case, as numorstring ToV1.
        assertEquals("132", RuleConverter.v1Protocol(Protocol.from(132)));
        assertEquals("icmpv6", RuleConverter.v1Protocol(Protocol.parse("ICMPv6")));
        assertEquals("udplite", RuleConverter.v1Protocol(Protocol.parse("UDPLite")));
    }

    @Test
    void selectorsBecomeIpSetsAndNotSelectorFoldsIntoThePositiveOne() {
        Rule r = rule("Deny", entity("role == 'db'", "has(quarantine)", null, null), entity(null, "has(x)", null, null));
        ConvertedRule c = RuleConverter.convert(r, null);
        // felix combineMatchesIfPossible: "(pos) && (!(neg))", then parsed.
        Selector src = Selector.parse("(role == 'db') && (!(has(quarantine)))");
        assertEquals(List.of(Hashes.uniqueId("s", src.toString())), c.rule().srcIpSetIds);
        assertEquals(List.of(), c.rule().notSrcIpSetIds);
        // No positive destination selector: the negated one stays a negated set.
        assertEquals(List.of(Hashes.uniqueId("s", "has(x)")), c.rule().notDstIpSetIds);
        assertEquals(2, c.ipSets().size());

        List<IptRule> rendered = new RuleRenderer(Marks.fromMask(Marks.DEFAULT_MASK), "calico-packet").rule(c.rule(), 4);
        String srcSet = "cali40" + Hashes.uniqueId("s", src.toString());
        String dstSet = "cali40" + Hashes.uniqueId("s", "has(x)");
        assertEquals(List.of(new IptRule(List.of("-m set --match-set " + srcSet.substring(0, 31) + " src",
                "-m set ! --match-set " + dstSet.substring(0, 31) + " dst"), "--jump DROP")), rendered);
    }

    @Test
    void namedPortsBecomeIpPortSetsWithTheSideSelector() {
        Rule r = new Rule("Allow", null, Protocol.UDP, null, null, null, null,
                new EntityRule(null, null, "app == 'dns'", null, null, List.of(Port.named("dns"), Port.number(5353)),
                        List.of(Port.named("metrics")), null),
                null, null);
        ConvertedRule c = RuleConverter.convert(r, "kube-system");
        Selector sel = Selector.parse("(projectcalico.org/namespace == 'kube-system') && (app == 'dns')");
        String selId = Hashes.uniqueId("s", sel.toString());
        assertEquals(List.of(Hashes.uniqueId("n", selId + ",udp,dns")), c.rule().dstNamedPortIpSetIds);
        assertEquals(List.of(Hashes.uniqueId("n", selId + ",udp,metrics")), c.rule().notDstNamedPortIpSetIds);
        // Numeric ports present too: the selector set is used as well (felix ruleToParsedRule).
        assertEquals(List.of(selId), c.rule().dstIpSetIds);
        assertEquals(List.of(PortRange.of(5353)), c.rule().dstPorts);

        // Only named ports: no separate selector set; no selector at all: the named port set is over all().
        ConvertedRule onlyNamed = RuleConverter.convert(new Rule("Allow", null, Protocol.TCP, null, null, null, null,
                new EntityRule(null, null, null, null, null, List.of(Port.named("http")), null, null), null, null), null);
        assertEquals(List.of(), onlyNamed.rule().dstIpSetIds);
        assertEquals(List.of(Hashes.uniqueId("n", Hashes.uniqueId("s", "all()") + ",tcp,http")),
                onlyNamed.rule().dstNamedPortIpSetIds);
        assertEquals("tcp", onlyNamed.ipSets().get(0).namedPortProtocol());
    }
}
