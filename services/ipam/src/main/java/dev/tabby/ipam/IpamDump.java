package dev.tabby.ipam;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ListResult;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamDataException;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * All of IPAM and the resources that own addresses, read as of one etcd revision: what the checker and
 * {@code tabbyctl ipam show} work from. Records that do not decode are listed in {@link #unreadable}, one line each.
 */
record IpamDump(long revision, List<AllocationBlock> blocks, Map<String, IpamHandle> handles,
        List<IpamStore.Affinity> affinities, List<Pool> pools, List<Node> nodes, List<WorkloadEndpoint> workloads,
        List<String> unreadable) {

    static IpamDump read(KeyValueStore kv) {
        List<String> unreadable = new ArrayList<>();
        ListResult blockKeys = kv.list(IpamKeys.BLOCKS);
        long rev = blockKeys.revision();

        List<AllocationBlock> blocks = new ArrayList<>();
        decodeEach(blockKeys.entries(), unreadable, e -> {
            if (IpamKeys.parseBlock(e.key()).isPresent()) {
                blocks.add(IpamJson.decodeBlock(e.key(), e.value()));
            }
        });
        Map<String, IpamHandle> handles = new LinkedHashMap<>();
        decodeEach(kv.list(IpamKeys.HANDLES, rev).entries(), unreadable,
                e -> IpamKeys.parseHandle(e.key()).ifPresent(id -> handles.put(id, IpamJson.decodeHandle(e.key(), e.value()))));
        List<IpamStore.Affinity> affinities = new ArrayList<>();
        decodeEach(kv.list(IpamKeys.HOSTS, rev).entries(), unreadable,
                e -> IpamKeys.parseAffinity(e.key()).ifPresent(k -> affinities.add(new IpamStore.Affinity(k.node(), k.cidr(),
                        new Versioned<BlockAffinity>(e.key(), IpamJson.decodeAffinity(e.key(), e.value()), e.modRevision())))));
        List<IPPool> ipPools = resources(kv, Kind.IP_POOL, rev, unreadable);
        List<Node> nodes = resources(kv, Kind.NODE, rev, unreadable);
        List<WorkloadEndpoint> workloads = resources(kv, Kind.WORKLOAD_ENDPOINT, rev, unreadable);
        return new IpamDump(rev, blocks, handles, affinities, PoolResolver.parse(ipPools), nodes, workloads, unreadable);
    }

    private static void decodeEach(List<KvEntry> entries, List<String> unreadable, Consumer<KvEntry> decode) {
        for (KvEntry e : entries) {
            try {
                decode.accept(e);
            } catch (IpamDataException bad) {
                unreadable.add(bad.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <R extends Resource> List<R> resources(KeyValueStore kv, Kind kind, long rev, List<String> unreadable) {
        List<R> out = new ArrayList<>();
        for (KvEntry e : kv.list(ResourceStore.prefix(kind, null), rev).entries()) {
            try {
                out.add((R) ResourceCodec.fromStoredValue(kind, e.value(), e.modRevision(), e.key()));
            } catch (ManifestException bad) {
                unreadable.addAll(bad.problems());
            }
        }
        return out;
    }
}
