package dev.tabby.policy.explain;

import java.util.List;
import java.util.Map;

/**
 * What decides one flow, in evaluation order, and the verdict. Plain data: {@link ExplanationText} prints it for
 * people, and it serialises to JSON as it is.
 *
 * @param direction       egress or ingress
 * @param workload        {@code <namespace>/<name>} of the WorkloadEndpoint
 * @param workloadIp      the workload's address of the peer's IP version
 * @param peerIp          the peer's address
 * @param peer            the peer side of the flow, e.g. {@code 10.0.0.5:6379/TCP}
 * @param peerHolders     the endpoints and network sets holding the peer address: what peer selectors match
 * @param preamble        what decided before any policy, or null: a drop of the workload's own chain (rule
 *                        "workload chain"), or the host's special cases (rule "host")
 * @param policies        the policies that select the workload in this direction, in evaluation order
 * @param profilesReached why the profiles were evaluated, or null when they were not
 * @param profiles        the workload's profiles in its order, as far as they were evaluated
 * @param verdict         the outcome
 * @param notes           further facts that shape the result (policies selecting the workload in the other
 *                        direction only, untracked or pre-DNAT policies, which never apply to workloads)
 */
public record Explanation(
        String direction,
        String workload,
        String workloadIp,
        String peerIp,
        String peer,
        List<PeerHolder> peerHolders,
        RuleTrace preamble,
        List<PolicyTrace> policies,
        String profilesReached,
        List<PolicyTrace> profiles,
        Verdict verdict,
        List<String> notes) {

    public Explanation {
        peerHolders = List.copyOf(peerHolders);
        policies = List.copyOf(policies);
        profiles = List.copyOf(profiles);
        notes = List.copyOf(notes);
    }

    /** An endpoint or network set holding the peer's address, with the labels selectors see on it. */
    public record PeerHolder(String kind, String name, Map<String, String> labels) {
    }

    /**
     * One policy or profile as the flow went through it.
     *
     * @param kind    NetworkPolicy, GlobalNetworkPolicy or Profile
     * @param name    NetworkPolicy {@code <namespace>/<name>}; others their name
     * @param order   the policy's order; null when it has none (then it comes after every ordered one)
     * @param rules   the rules evaluated, in order, up to the one that decided
     * @param outcome Allow, Deny, Pass, "no rule matched" or "not reached"
     */
    public record PolicyTrace(String kind, String name, Double order, List<RuleTrace> rules, String outcome) {
        public PolicyTrace {
            rules = List.copyOf(rules);
        }
    }

    /**
     * @param action   Allow or Deny
     * @param reason   one line: "Deny by rule egress[1] of NetworkPolicy shop/db", "no policy allowed it: default
     *                 deny", "no profile allowed it"
     * @param kind     the deciding policy's or profile's kind; null for a default
     * @param name     its name; null for a default
     * @param rule     the deciding rule, e.g. {@code egress[1]}; null for a default
     * @param assuming rules the flow did not say enough to decide ({@link RuleTrace.Result#DEPENDS}); the verdict
     *                 holds for a flow that matches none of them
     */
    public record Verdict(String action, String reason, String kind, String name, String rule, List<String> assuming) {
        public Verdict {
            assuming = List.copyOf(assuming);
        }
    }
}
