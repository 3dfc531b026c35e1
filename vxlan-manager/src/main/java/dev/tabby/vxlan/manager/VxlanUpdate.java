package dev.tabby.vxlan.manager;

import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;
import dev.tabby.vxlan.plan.NodeFacts;

/** What changed in the datastore, in the terms the VXLAN manager cares about. A null value means gone. */
public sealed interface VxlanUpdate {

    record PoolChanged(String name, IPPool pool) implements VxlanUpdate {
    }

    /** What the plan needs of the Node, parsed where it was decoded (off the apply thread). */
    record NodeChanged(String name, NodeFacts node) implements VxlanUpdate {
    }

    /** {@code default} or {@code node.<nodename>}. */
    record FelixConfigChanged(String name, FelixConfiguration config) implements VxlanUpdate {
    }

    /** An IPAM block as routing reads it; null when the block is gone (or marked deleted). */
    record BlockChanged(Cidr block, RoutableBlock routable) implements VxlanUpdate {
    }
}
