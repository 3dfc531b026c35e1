package dev.tabby.policy.render;

/**
 * Tabby's flow-log rules: an NFLOG rule with the verdict's own match just before each policy or profile rule that
 * allows or denies, and before each implicit drop of an endpoint chain, so the first packet of every connection
 * (established ones are accepted at the top of the endpoint chains) is copied to user space with the verdict in its
 * prefix ({@link VerdictPrefix}). Felix OSS v3.18 has no such rules; the groups match Calico Enterprise's
 * (1 inbound, 2 outbound), so an operator used to those finds the same numbers.
 *
 * @param ingressGroup NFLOG group of verdicts on traffic to an endpoint (its ingress policies and inbound profiles)
 * @param egressGroup  NFLOG group of verdicts on traffic from an endpoint (egress policies, outbound profiles)
 * @param copyBytes    {@code --nflog-size}: bytes of each packet copied, enough for the headers only (60 bytes of the
 *                     largest IPv4 header and 60 of the largest TCP header; an IPv6 header and ports fit too)
 */
public record FlowLogRules(int ingressGroup, int egressGroup, int copyBytes) {
    public static final FlowLogRules DEFAULT = new FlowLogRules(1, 2, 120);

    public FlowLogRules {
        if (ingressGroup < 0 || ingressGroup > 65535 || egressGroup < 0 || egressGroup > 65535
                || ingressGroup == egressGroup) {
            throw new IllegalArgumentException("flow-log NFLOG groups must be two different numbers 0-65535, were "
                    + ingressGroup + " and " + egressGroup);
        }
    }

    /** The NFLOG action for a verdict in the given direction (iptables 1.8's option spelling, as iptables-save writes). */
    public String action(boolean ingress, VerdictPrefix verdict) {
        return "--jump NFLOG --nflog-group " + (ingress ? ingressGroup : egressGroup) + " --nflog-prefix \""
                + verdict.encode() + "\" --nflog-size " + copyBytes;
    }

    /** Whether a group carries ingress verdicts; IllegalArgumentException for a group that is not ours. */
    public boolean isIngress(int group) {
        if (group == ingressGroup) {
            return true;
        }
        if (group == egressGroup) {
            return false;
        }
        throw new IllegalArgumentException("NFLOG group " + group + " is not a flow-log group (" + ingressGroup
                + " ingress, " + egressGroup + " egress)");
    }
}
