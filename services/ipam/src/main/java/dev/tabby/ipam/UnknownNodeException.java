package dev.tabby.ipam;

/**
 * An automatic assignment for a node with no Node resource. Calico's IPAM refuses it (lib/ipam/ipam.go
 * {@code prepareAffinityBlocksForHost} reads the Node first): the node's labels choose its pools, and a block claimed
 * for a name no Node carries would never be cleaned up by a node deletion.
 */
public final class UnknownNodeException extends IpamException {

    public UnknownNodeException(String node) {
        super("node " + node + " has no Node resource, so IPAM cannot choose its pools; register the node first "
                + "(tabbyctl node register, or create the Node)");
    }
}
