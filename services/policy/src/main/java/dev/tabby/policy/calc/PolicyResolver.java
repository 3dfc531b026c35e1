package dev.tabby.policy.calc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Which policies apply to an endpoint, in order, per direction and per kind of chain (felix calc/policy_sorter.go and
 * calc/event_sequencer.go tierInfoToProtoTierInfo; Calico v3.18 open source has the one tier "default").
 */
public final class PolicyResolver {
    private PolicyResolver() {
    }

    /**
     * The result for one endpoint. Each list is in evaluation order.
     *
     * @param ingress          normal (tracked) policies for traffic to the endpoint
     * @param egress           normal policies for traffic from the endpoint
     * @param forwardIngress   normal policies with applyOnForward, for host endpoints' forwarded traffic
     * @param forwardEgress    ditto, egress
     * @param untrackedIngress doNotTrack policies (raw table)
     * @param untrackedEgress  ditto, egress
     * @param preDnatIngress   preDNAT policies (mangle table); preDNAT never governs egress
     * @param profiles         the endpoint's profiles in order: where traffic goes when no policy applies, or after Pass
     */
    public record Resolution(
            List<CalicoPolicy> ingress,
            List<CalicoPolicy> egress,
            List<CalicoPolicy> forwardIngress,
            List<CalicoPolicy> forwardEgress,
            List<CalicoPolicy> untrackedIngress,
            List<CalicoPolicy> untrackedEgress,
            List<CalicoPolicy> preDnatIngress,
            List<String> profiles) {
    }

    /**
     * felix PolicyByOrder.Less: by order, an absent order after every present one; equal (or both absent) orders by
     * key name.
     */
    public static final Comparator<CalicoPolicy> ORDER = (a, b) -> {
        boolean bothNil = a.order() == null && b.order() == null;
        boolean bothSet = a.order() != null && b.order() != null;
        if (bothNil || bothSet && a.order().doubleValue() == b.order().doubleValue()) {
            return a.name().compareTo(b.name());
        }
        if (a.order() == null) {
            return 1;
        }
        if (b.order() == null) {
            return -1;
        }
        return Double.compare(a.order(), b.order());
    };

    /**
     * @param labels   the endpoint's effective labels ({@link EndpointLabels})
     * @param profiles the endpoint's profiles, in the order it lists them
     */
    public static Resolution resolve(Map<String, String> labels, List<String> profiles, Collection<CalicoPolicy> policies) {
        List<CalicoPolicy> matching = new ArrayList<>();
        for (CalicoPolicy p : policies) {
            if (p.selector().matches(labels)) {
                matching.add(p);
            }
        }
        matching.sort(ORDER);
        List<CalicoPolicy> in = new ArrayList<>();
        List<CalicoPolicy> out = new ArrayList<>();
        List<CalicoPolicy> fwdIn = new ArrayList<>();
        List<CalicoPolicy> fwdOut = new ArrayList<>();
        List<CalicoPolicy> untrackedIn = new ArrayList<>();
        List<CalicoPolicy> untrackedOut = new ArrayList<>();
        List<CalicoPolicy> preDnatIn = new ArrayList<>();
        for (CalicoPolicy p : matching) {
            if (p.doNotTrack()) {
                add(p, untrackedIn, untrackedOut, true);
            } else if (p.preDNAT()) {
                add(p, preDnatIn, new ArrayList<>(), false);
            } else {
                if (p.applyOnForward()) {
                    add(p, fwdIn, fwdOut, true);
                }
                add(p, in, out, true);
            }
        }
        return new Resolution(List.copyOf(in), List.copyOf(out), List.copyOf(fwdIn), List.copyOf(fwdOut),
                List.copyOf(untrackedIn), List.copyOf(untrackedOut), List.copyOf(preDnatIn),
                profiles == null ? List.of() : List.copyOf(profiles));
    }

    /** felix addPolicyToTierInfo. */
    private static void add(CalicoPolicy p, List<CalicoPolicy> in, List<CalicoPolicy> out, boolean egressAllowed) {
        if (p.governsIngress()) {
            in.add(p);
        }
        if (egressAllowed && p.governsEgress()) {
            out.add(p);
        }
    }
}
