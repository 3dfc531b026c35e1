package dev.tabby.policy.explain;

import dev.tabby.policy.explain.Explanation.PeerHolder;
import dev.tabby.policy.explain.Explanation.PolicyTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An {@link Explanation} as text for an operator: one block per policy or profile, the verdict last. */
public final class ExplanationText {
    private ExplanationText() {
    }

    public static String of(Explanation e) {
        List<String> lines = new ArrayList<>();
        boolean egress = e.direction().equals("egress");
        lines.add((egress ? "Egress from " : "Ingress to ") + "WorkloadEndpoint " + e.workload() + " (" + e.workloadIp()
                + (egress ? ") to " : ") from ") + e.peer());
        String peerIp = e.peerIp();
        if (e.peerHolders().isEmpty()) {
            lines.add("Peer " + peerIp + ": no endpoint or network set holds it (no selector matches it)");
        } else {
            for (PeerHolder h : e.peerHolders()) {
                lines.add("Peer " + peerIp + ": " + h.kind() + " " + h.name() + " " + labels(h.labels()));
            }
        }
        if (e.preamble() != null) {
            lines.add((e.preamble().rule().equals("host") ? "Host: " : "Workload chain: ") + e.preamble().reason());
        }
        if (e.policies().isEmpty()) {
            lines.add("Policies (" + e.direction() + "): none select this workload");
        } else {
            lines.add("Policies (" + e.direction() + "), in evaluation order:");
            int n = 1;
            for (PolicyTrace p : e.policies()) {
                block(lines, n++ + ". " + p.kind() + " " + p.name()
                        + (p.order() == null ? " (no order)" : " (order " + order(p.order()) + ")"), p);
            }
        }
        if (e.profilesReached() == null) {
            lines.add("Profiles: not reached");
        } else if (e.profiles().isEmpty()) {
            lines.add("Profiles (" + e.profilesReached() + "): the workload has none");
        } else {
            lines.add("Profiles (" + e.profilesReached() + "):");
            int n = 1;
            for (PolicyTrace p : e.profiles()) {
                block(lines, n++ + ". Profile " + p.name(), p);
            }
        }
        lines.add("Verdict: " + e.verdict().reason());
        if (!e.verdict().assuming().isEmpty()) {
            lines.add("  for a flow that matches none of these, which depend on what the flow does not give:");
            e.verdict().assuming().forEach(a -> lines.add("    " + a));
        }
        e.notes().forEach(note -> lines.add("Note: " + note));
        return String.join("\n", lines) + "\n";
    }

    private static void block(List<String> lines, String title, PolicyTrace p) {
        if (p.outcome().equals("not reached")) {
            lines.add("  " + title + ": not reached");
            return;
        }
        lines.add("  " + title);
        if (p.rules().isEmpty()) {
            lines.add("       no rules for this direction");
        }
        int width = p.rules().stream().mapToInt(r -> r.rule().length()).max().orElse(0);
        for (RuleTrace r : p.rules()) {
            String result = switch (r.result()) {
                case MATCHED -> "";
                case NO_MATCH -> "no match: ";
                case DEPENDS -> "depends: ";
            };
            lines.add("       " + pad(r.rule(), width) + "  " + pad(r.action(), 5) + "  " + result + r.reason());
        }
        lines.add("       -> " + p.outcome());
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String order(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static String labels(Map<String, String> labels) {
        List<String> kv = new ArrayList<>();
        labels.forEach((k, v) -> kv.add(k + "=" + v));
        return "{" + String.join(", ", kv) + "}";
    }
}
