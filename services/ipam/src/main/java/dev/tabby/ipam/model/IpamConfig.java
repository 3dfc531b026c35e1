package dev.tabby.ipam.model;

/**
 * The cluster-wide IPAM settings at {@code /calico/ipam/v2/config}. With no key stored, Calico assumes
 * {@link #DEFAULT}: borrowing allowed, blocks claimed on demand, no per-node block limit.
 *
 * @param strictAffinity     when true a node never takes an address from a block affine to another node
 * @param autoAllocateBlocks when false nodes only use blocks they already have
 * @param maxBlocksPerHost   how many blocks one node may hold; 0 means no limit
 */
public record IpamConfig(boolean strictAffinity, boolean autoAllocateBlocks, int maxBlocksPerHost) {

    public static final IpamConfig DEFAULT = new IpamConfig(false, true, 0);

    public IpamConfig {
        if (maxBlocksPerHost < 0) {
            throw new IllegalArgumentException("maxBlocksPerHost " + maxBlocksPerHost + " is negative; use 0 for no limit");
        }
    }

    public IpamConfig withStrictAffinity(boolean strict) {
        return new IpamConfig(strict, autoAllocateBlocks, maxBlocksPerHost);
    }

    public IpamConfig withMaxBlocksPerHost(int max) {
        return new IpamConfig(strictAffinity, autoAllocateBlocks, max);
    }
}
