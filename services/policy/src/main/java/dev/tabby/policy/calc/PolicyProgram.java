package dev.tabby.policy.calc;

import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Rule;
import dev.tabby.policy.render.Chain;
import dev.tabby.policy.render.ProtoRule;
import dev.tabby.policy.render.RuleRenderer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One policy or profile, rendered: its chains for one IP version and the IP sets they refer to (by ID, each once).
 * Felix renders a policy's chains once however many endpoints use it (felix rules/policy.go via
 * dataplane/linux/policy_mgr.go).
 */
public record PolicyProgram(List<Chain> chains, Map<String, IpSetSpec> ipSets) {

    public PolicyProgram {
        chains = List.copyOf(chains);
        ipSets = Map.copyOf(ipSets);
    }

    public static PolicyProgram of(CalicoPolicy p, RuleRenderer renderer, int ipVersion) {
        Map<String, IpSetSpec> sets = new LinkedHashMap<>();
        List<ProtoRule> in = convert(p.ingress(), p.namespace(), sets);
        List<ProtoRule> out = convert(p.egress(), p.namespace(), sets);
        return new PolicyProgram(renderer.policyChains(p.name(), in, out, ipVersion), sets);
    }

    /** Profile rules are not namespaced (libcalico-go profileprocessor: RulesAPIV2ToBackend(rules, "")). */
    public static PolicyProgram of(Profile p, RuleRenderer renderer, int ipVersion) {
        Map<String, IpSetSpec> sets = new LinkedHashMap<>();
        List<Rule> ingress = p.spec() == null || p.spec().ingress() == null ? List.of() : p.spec().ingress();
        List<Rule> egress = p.spec() == null || p.spec().egress() == null ? List.of() : p.spec().egress();
        List<ProtoRule> in = convert(ingress, null, sets);
        List<ProtoRule> out = convert(egress, null, sets);
        return new PolicyProgram(renderer.profileChains(p.metadata().name(), in, out, ipVersion), sets);
    }

    private static List<ProtoRule> convert(List<Rule> rules, String namespace, Map<String, IpSetSpec> sets) {
        List<ProtoRule> out = new ArrayList<>();
        for (Rule r : rules) {
            ConvertedRule c = RuleConverter.convert(r, namespace);
            out.add(c.rule());
            for (IpSetSpec s : c.ipSets()) {
                sets.putIfAbsent(s.id(), s);
            }
        }
        return out;
    }
}
