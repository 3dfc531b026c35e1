package dev.tabby.ipam;

/**
 * The node's blocks are full and it may not claim another: it holds {@code maxBlocksPerHost} blocks, or
 * {@code autoAllocateBlocks} is off. Calico does not borrow then (lib/ipam/ipam.go {@code findOrClaimBlock} returns
 * an error before the borrowing step is reached), and neither does Tabby.
 */
public final class BlockLimitException extends IpamException {

    public BlockLimitException(String message) {
        super(message);
    }
}
