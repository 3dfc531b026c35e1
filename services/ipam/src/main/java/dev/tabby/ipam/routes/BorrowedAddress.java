package dev.tabby.ipam.routes;

import dev.tabby.model.net.IpAddress;

/**
 * An address allocated in a block for a node other than the block's affine one (libcalico-go's
 * {@code NonAffineAllocations}); in a block with no affinity, every allocation.
 *
 * @param address  the allocated address
 * @param node     the {@code node} attribute the allocation was recorded with; empty when none was recorded
 */
public record BorrowedAddress(IpAddress address, String node) {
}
