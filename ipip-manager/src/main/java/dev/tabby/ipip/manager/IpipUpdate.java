package dev.tabby.ipip.manager;

import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.ipip.plan.IpipNode;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.IPPool;

/** What changed in the datastore, in the terms ipip-manager cares about. A null value means gone. */
public sealed interface IpipUpdate {

    record PoolChanged(String name, IPPool pool) implements IpipUpdate {
    }

    /** What the plan needs of the Node, parsed where it was decoded (off the apply thread). */
    record NodeChanged(String name, IpipNode node) implements IpipUpdate {
    }

    /** {@code default} or {@code node.<nodename>}. */
    record FelixConfigChanged(String name, FelixConfiguration config) implements IpipUpdate {
    }

    /** An IPAM block as routing reads it; null when the block is gone (or marked deleted). */
    record BlockChanged(Cidr block, RoutableBlock routable) implements IpipUpdate {
    }

    /** bgp-speaker's route claim for {@code node} (its JSON value), or null when no speaker holds it. */
    record ClaimChanged(String node, String claim) implements IpipUpdate {
    }
}
