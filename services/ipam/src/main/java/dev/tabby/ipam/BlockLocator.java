package dev.tabby.ipam;

import dev.tabby.ipam.model.Blocks;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which block holds an address, found as libcalico-go release-v3.18 lib/ipam finds it: the enabled pool holding
 * the address ({@code getPoolForIP}) gives its block by the pool's block size ({@code getBlockCIDRForAddress}), with
 * no list of blocks; only an address outside every enabled pool is looked for among the blocks' keys
 * ({@code ReleaseIPs}' fallback, {@code getBlockForIP}). Listing every block key for each address cost a CNI DEL and
 * a tunnel address check 5,000 keys at 5,000 nodes (issue 16). One locator serves one operation: it reads the pools
 * once and the block keys at most once per IP version.
 */
final class BlockLocator {
    private final IpamStore store;
    private List<Pool> pools;
    private final Map<Integer, Set<Cidr>> listed = new HashMap<>();

    BlockLocator(IpamStore store) {
        this.store = store;
    }

    /** The block the address belongs to, which may not exist; empty when no block could hold it. */
    Optional<Cidr> blockOf(IpAddress ip) {
        if (pools == null) {
            pools = store.pools();
        }
        Optional<Pool> pool = PoolResolver.containing(pools, ip);
        if (pool.isPresent()) {
            return Optional.of(Blocks.blockOf(ip, pool.get().blockSize()));
        }
        Set<Cidr> blocks = listed.computeIfAbsent(ip.version(), store::blockCidrs);
        return blocks.stream().filter(c -> c.contains(ip)).findFirst();
    }
}
