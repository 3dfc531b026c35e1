package dev.tabby.ipam;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.Blocks;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How full the pools and blocks are, and which addresses nodes borrowed: what {@code tabbyctl ipam show} prints, as
 * libcalico-go's GetUtilization (lib/ipam/ipam.go) and calicoctl's getBorrowedIPs (commands/ipam/show.go) count it.
 * Blocks come in their etcd key order, as Calico lists them. {@code unclassified} counts allocations without a
 * {@code node} attribute, which cannot be told borrowed or not.
 */
public record IpamUsage(List<PoolUsage> pools, List<BlockUsage> blocks, List<BorrowedAddress> borrowed, int unclassified) {

    public record PoolUsage(Cidr cidr, BigInteger total, long inUse) {
    }

    /**
     * In use is every address not free, as Calico counts it (capacity minus unallocated), so an address neither
     * allocated nor free counts as in use.
     */
    public record BlockUsage(Cidr cidr, int total, int inUse) {
    }

    /** An address allocated for {@code borrowingNode} from a block that is not that node's. */
    public record BorrowedAddress(IpAddress address, String borrowingNode, Cidr block, String blockNode, String type,
            String allocatedTo) {
    }

    public static IpamUsage read(KeyValueStore kv) {
        return of(IpamDump.read(kv));
    }

    static IpamUsage of(IpamDump dump) {
        List<AllocationBlock> blocks = new ArrayList<>(dump.blocks());
        blocks.sort(Comparator.comparing((AllocationBlock b) -> IpamKeys.block(b.cidr())));
        List<PoolUsage> pools = new ArrayList<>();
        for (Pool p : dump.pools()) {
            long inUse = blocks.stream().filter(b -> Blocks.within(b.cidr(), p.cidr()))
                    .mapToLong(b -> b.size() - b.freeCount()).sum();
            pools.add(new PoolUsage(p.cidr(), p.addressCount(), inUse));
        }
        List<BlockUsage> blockUsage = new ArrayList<>();
        List<BorrowedAddress> borrowed = new ArrayList<>();
        int unclassified = 0;
        for (AllocationBlock b : blocks) {
            String owner = b.host().orElse(null);
            blockUsage.add(new BlockUsage(b.cidr(), b.size(), b.size() - b.freeCount()));
            for (int o : b.allocatedOrdinals()) {
                Map<String, String> attrs = b.attributeAt(o).map(a -> a.secondaryOrEmpty()).orElse(Map.of());
                String node = attrs.get(AutoAssignRequest.ATTRIBUTE_NODE);
                if (node == null) {
                    unclassified++;
                    continue;
                }
                if (node.equals(owner == null ? "" : owner)) {
                    continue;
                }
                // A pod's address is "pod", to namespace/pod; otherwise its type attribute, to no one.
                String pod = attrs.get(AutoAssignRequest.ATTRIBUTE_POD);
                String type = pod != null ? "pod" : attrs.getOrDefault(AutoAssignRequest.ATTRIBUTE_TYPE, "");
                String to = pod != null ? attrs.getOrDefault(AutoAssignRequest.ATTRIBUTE_NAMESPACE, "") + "/" + pod : "";
                borrowed.add(new BorrowedAddress(b.addressAt(o), node, b.cidr(), owner, type, to));
            }
        }
        return new IpamUsage(pools, blockUsage, borrowed, unclassified);
    }
}
