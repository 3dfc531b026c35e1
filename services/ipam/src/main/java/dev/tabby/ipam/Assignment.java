package dev.tabby.ipam;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.Map;
import java.util.Optional;

/**
 * What IPAM records about one allocated address: its block and that block's node, and the handle and attributes of
 * its owner. {@link #borrowed()} when the owner's node is not the block's node.
 */
public record Assignment(IpAddress address, Cidr block, Optional<String> blockNode, String handle,
        Map<String, String> attributes) {

    public Optional<String> node() {
        return Optional.ofNullable(attributes.get(AutoAssignRequest.ATTRIBUTE_NODE));
    }

    public boolean borrowed() {
        return node().isPresent() && !node().equals(blockNode);
    }
}
