package dev.tabby.ipam.tunnel;

import dev.tabby.ipam.Assignment;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Pool;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * calico-node's rules for a node's tunnel address (calico/node release-v3.18 pkg/allocateip/allocateip.go,
 * determineEnabledPoolCIDRs and ensureHostTunnelAddress), as pure decisions: which pools an address may come from,
 * and whether the address the Node holds can stay. The rules are the same for every {@link TunnelKind}; only the
 * pool's mode field differs.
 */
public final class TunnelAddressPolicy {
    private TunnelAddressPolicy() {
    }

    /** What to do about the address the Node holds now. */
    public enum Verdict {
        /** The node has no address, or it is not allocated at all: assign one. */
        ASSIGN,
        /** Ours, and in a pool that serves the node: nothing to do. */
        KEEP,
        /** Ours, but in a pool that no longer qualifies: release it, then assign another. */
        RELEASE_AND_ASSIGN,
        /** Someone else's (a workload's, another node's, the other tunnel's): leave it to them, assign another. */
        ASSIGN_LEAVING_OLD,
        /**
         * Allocated with neither handle nor attributes: a tunnel address from before Calico recorded them (a
         * workload's always has a handle). Re-allocate the same address under this node's handle; if someone takes
         * it meanwhile, assign another (allocateip.go correctAllocationWithHandle).
         */
        ADOPT
    }

    /**
     * The pools the node's tunnel address of this kind may come from: IPv4, the kind's mode Always or CrossSubnet,
     * not disabled, and whose nodeSelector selects the node; in address order. Empty means the node must hold no
     * tunnel address of this kind.
     */
    public static List<Cidr> poolsFor(TunnelKind kind, Node node, Collection<IPPool> pools) {
        List<Cidr> out = new ArrayList<>();
        for (IPPool p : pools) {
            if (p.spec() == null || !kind.encapsulates(p)) {
                continue;
            }
            Pool pool;
            try {
                pool = Pool.from(p);
            } catch (RuntimeException e) {
                continue; // an unreadable selector or CIDR serves no one
            }
            if (!pool.disabled() && pool.cidr().isV4() && pool.selects(node.metadata().labelsOrEmpty())) {
                out.add(pool.cidr());
            }
        }
        out.sort((a, b) -> a.address().compareTo(b.address()));
        return out;
    }

    /**
     * Judges the Node's current address.
     *
     * @param current     the Node's address of this kind, or empty
     * @param assignment  what IPAM records for that address, or empty when it is not allocated
     * @param pools       {@link #poolsFor} (non-empty)
     */
    public static Verdict judge(TunnelKind kind, String node, Optional<IpAddress> current,
            Optional<Assignment> assignment, List<Cidr> pools) {
        if (current.isEmpty() || assignment.isEmpty()) {
            return Verdict.ASSIGN;
        }
        Assignment a = assignment.get();
        if (a.attributes().isEmpty()) {
            return a.handle() == null ? Verdict.ADOPT : Verdict.ASSIGN_LEAVING_OLD;
        }
        boolean ours = kind.type().attributeType().equals(a.attributes().get(AutoAssignRequest.ATTRIBUTE_TYPE))
                && node.equals(a.attributes().get(AutoAssignRequest.ATTRIBUTE_NODE));
        if (!ours) {
            return Verdict.ASSIGN_LEAVING_OLD;
        }
        return inPools(current.get(), pools) ? Verdict.KEEP : Verdict.RELEASE_AND_ASSIGN;
    }

    static boolean inPools(IpAddress address, List<Cidr> pools) {
        return pools.stream().anyMatch(p -> p.contains(address));
    }
}
