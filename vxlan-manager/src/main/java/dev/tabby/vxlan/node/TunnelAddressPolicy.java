package dev.tabby.vxlan.node;

import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Pool;
import dev.tabby.ipam.TunnelAddressType;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.vxlan.plan.VxlanPlan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * calico-node's rules for a node's VXLAN tunnel address (its allocateip), as pure decisions: which pools an address
 * may come from, and whether the address the Node holds can stay.
 */
public final class TunnelAddressPolicy {
    private TunnelAddressPolicy() {
    }

    /** What to do about the address the Node holds now. */
    public enum Verdict {
        /** The node has no address, or it is not allocated at all: assign one. */
        ASSIGN,
        /** Ours, and in a VXLAN pool that serves the node: nothing to do. */
        KEEP,
        /** Ours, but in a pool that no longer qualifies: release it, then assign another. */
        RELEASE_AND_ASSIGN,
        /** Someone else's (a workload's, another node's): leave it to its owner and assign another. */
        ASSIGN_LEAVING_OLD
    }

    /**
     * The pools the node's VXLAN tunnel address may come from: IPv4, vxlanMode Always or CrossSubnet, not disabled,
     * and whose nodeSelector selects the node. Empty means the node must hold no VXLAN tunnel address.
     */
    public static List<Cidr> vxlanPoolsFor(Node node, Collection<IPPool> pools) {
        List<Cidr> out = new ArrayList<>();
        for (IPPool p : pools) {
            if (!VxlanPlan.usesVxlan(p) || Boolean.TRUE.equals(p.spec().disabled())) {
                continue;
            }
            Pool pool;
            try {
                pool = Pool.from(p);
            } catch (RuntimeException e) {
                continue; // an unreadable selector or CIDR serves no one
            }
            if (pool.selects(node.metadata().labelsOrEmpty())) {
                out.add(pool.cidr());
            }
        }
        out.sort((a, b) -> a.address().compareTo(b.address()));
        return out;
    }

    /**
     * Judges the Node's current address.
     *
     * @param current     the Node's ipv4VXLANTunnelAddr, or empty
     * @param assignment  what IPAM records for that address, or empty when it is not allocated
     * @param pools       {@link #vxlanPoolsFor} (non-empty)
     */
    public static Verdict judge(String node, Optional<IpAddress> current, Optional<Assignment> assignment, List<Cidr> pools) {
        if (current.isEmpty() || assignment.isEmpty()) {
            return Verdict.ASSIGN;
        }
        Assignment a = assignment.get();
        boolean ours = TunnelAddressType.VXLAN.attributeType().equals(a.attributes().get(AutoAssignRequest.ATTRIBUTE_TYPE))
                && node.equals(a.attributes().get(AutoAssignRequest.ATTRIBUTE_NODE));
        if (!ours) {
            return Verdict.ASSIGN_LEAVING_OLD;
        }
        boolean inPool = pools.stream().anyMatch(p -> p.contains(current.get()));
        return inPool ? Verdict.KEEP : Verdict.RELEASE_AND_ASSIGN;
    }
}
