package dev.tabby.ipam;

import dev.tabby.datastore.ConflictException;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.DatastoreUnavailableException;
import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.EtcdKeys;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * IPAM's records in etcd: typed reads, and writes as one compare-and-swap transaction over all the keys a step
 * changes. Single-key reads go through {@link KeyValueStore} (which retries through an outage); multi-key reads and
 * writes are jetcd transactions with the same deadline.
 */
final class IpamStore {
    private static final Logger LOG = Logger.getLogger(IpamStore.class);
    private static final String POOLS = ResourceStore.prefix(Kind.IP_POOL, null);

    private final KeyValueStore kv;
    private final KV etcd;
    private final long timeoutNanos;
    private final String endpoints;
    private final ConcurrentMap<String, Decoded> decoded = new ConcurrentHashMap<>();
    private static final int DECODED_LIMIT = 10_000;

    IpamStore(KeyValueStore kv) {
        this.kv = kv;
        this.etcd = kv.client().getKVClient();
        this.timeoutNanos = kv.config().timeout().toNanos();
        this.endpoints = kv.config().endpointsText();
    }

    KeyValueStore kv() {
        return kv;
    }

    // ---- blocks ----

    Optional<Versioned<AllocationBlock>> block(Cidr cidr) {
        String key = IpamKeys.block(cidr);
        return kv.get(key).map(e -> new Versioned<>(key, IpamJson.decodeBlock(key, e.value()), e.modRevision()));
    }

    /** The blocks that exist among {@code cidrs}, read in one transaction, in the order asked. */
    List<Versioned<AllocationBlock>> blocks(Collection<Cidr> cidrs) {
        Map<Cidr, Versioned<byte[]>> raw = rawBlocks(cidrs);
        return cidrs.stream().map(raw::get).filter(Objects::nonNull).map(IpamStore::decodeBlock).toList();
    }

    /** The stored values of whichever of these blocks exist, in one transaction, not yet decoded. */
    Map<Cidr, Versioned<byte[]>> rawBlocks(Collection<Cidr> cidrs) {
        Map<Cidr, Versioned<byte[]>> out = new HashMap<>();
        if (cidrs.isEmpty()) {
            return out;
        }
        List<Op> gets = new ArrayList<>();
        for (Cidr c : cidrs) {
            gets.add(Op.get(EtcdKeys.bytes(IpamKeys.block(c)), GetOption.DEFAULT));
        }
        TxnResponse r = await(etcd.txn().Then(gets.toArray(Op[]::new)).commit(), "read " + cidrs.size() + " IPAM blocks");
        for (GetResponse g : r.getGetResponses()) {
            for (KeyValue e : g.getKvs()) {
                String key = EtcdKeys.string(e.getKey());
                IpamKeys.parseBlock(key).ifPresent(c -> out.put(c, new Versioned<>(key, e.getValue().getBytes(), e.getModRevision())));
            }
        }
        return out;
    }

    static Versioned<AllocationBlock> decodeBlock(Versioned<byte[]> raw) {
        return new Versioned<>(raw.key(), IpamJson.decodeBlock(raw.key(), raw.value()), raw.modRevision());
    }

    /** Every block of one IP version (0: both). */
    List<Versioned<AllocationBlock>> blocks(int version) {
        List<Versioned<AllocationBlock>> out = new ArrayList<>();
        for (KvEntry e : kv.list(IpamKeys.blockPrefix(version)).entries()) {
            if (IpamKeys.parseBlock(e.key()).isPresent()) {
                out.add(new Versioned<>(e.key(), IpamJson.decodeBlock(e.key(), e.value()), e.modRevision()));
            }
        }
        return out;
    }

    /** Every IPPool that decodes (a bad one is logged and skipped, as in {@link #snapshot}). */
    List<Pool> pools() {
        GetOption all = GetOption.builder().withRange(EtcdKeys.prefixEnd(POOLS)).build();
        GetResponse r = await(etcd.get(EtcdKeys.bytes(POOLS), all), "list IP pools");
        List<Pool> out = new ArrayList<>();
        for (KeyValue e : r.getKvs()) {
            String key = EtcdKeys.string(e.getKey());
            decodeOnce(key, e.getModRevision(), () -> pool(key, e)).ifPresent(out::add);
        }
        return out;
    }

    /** Which blocks exist, from their keys alone: what a search for a free block needs. */
    Set<Cidr> blockCidrs(int version) {
        String prefix = IpamKeys.blockPrefix(version);
        GetOption keysOnly = GetOption.builder().withRange(EtcdKeys.prefixEnd(prefix)).withKeysOnly(true).build();
        GetResponse r = await(etcd.get(EtcdKeys.bytes(prefix), keysOnly), "list IPAM block keys");
        Set<Cidr> out = new LinkedHashSet<>();
        for (KeyValue e : r.getKvs()) {
            IpamKeys.parseBlock(EtcdKeys.string(e.getKey())).ifPresent(out::add);
        }
        return out;
    }

    // ---- handles, affinities, config ----

    /** The handle, or an empty one at revision 0 when it does not exist. */
    Versioned<IpamHandle> handle(String handleId) {
        String key = IpamKeys.handle(handleId);
        return kv.get(key).map(e -> new Versioned<>(key, IpamJson.decodeHandle(key, e.value()), e.modRevision()))
                .orElse(Versioned.absent(key, IpamHandle.EMPTY));
    }

    Optional<Versioned<BlockAffinity>> affinity(String node, Cidr cidr) {
        String key = IpamKeys.affinity(node, cidr);
        return kv.get(key).map(e -> new Versioned<>(key, IpamJson.decodeAffinity(key, e.value()), e.modRevision()));
    }

    /** A host affinity with the block it names. */
    record Affinity(String node, Cidr cidr, Versioned<BlockAffinity> value) {
    }

    /** A node's affinities of one IP version (0: both), in key order. */
    List<Affinity> affinities(String node, int version) {
        return toAffinities(kv.list(IpamKeys.affinityPrefix(node, version)).entries());
    }

    Versioned<IpamConfig> config() {
        return kv.get(IpamKeys.CONFIG)
                .map(e -> new Versioned<>(e.key(), IpamJson.decodeConfig(e.key(), e.value()), e.modRevision()))
                .orElse(Versioned.absent(IpamKeys.CONFIG, IpamConfig.DEFAULT));
    }

    // ---- what an assignment reads first ----

    /** Everything an assignment for one node starts from, read in one transaction at one revision. */
    record Snapshot(IpamConfig config, List<Pool> pools, Optional<Node> node, List<Affinity> affinities,
            Versioned<IpamHandle> handle, Set<Cidr> prefetched, Map<Cidr, Versioned<byte[]>> blocks) {

        List<Affinity> affinities(int version) {
            return affinities.stream().filter(a -> a.cidr().version() == version).toList();
        }
    }

    /**
     * Reads config, pools, the node, its affinities, the handle and the blocks in {@code prefetch} (the ones an
     * assignment will most likely use) in one round trip.
     */
    Snapshot snapshot(String node, String handleId, Collection<Cidr> prefetch) {
        String nodeKey = ResourceStore.key(new ResourceId(Kind.NODE, null, node));
        String affinityPrefix = IpamKeys.affinityPrefix(node, 0);
        List<Op> gets = new ArrayList<>(List.of(
                Op.get(EtcdKeys.bytes(IpamKeys.CONFIG), GetOption.DEFAULT),
                Op.get(EtcdKeys.bytes(POOLS), GetOption.builder().withRange(EtcdKeys.prefixEnd(POOLS)).build()),
                Op.get(EtcdKeys.bytes(nodeKey), GetOption.DEFAULT),
                Op.get(EtcdKeys.bytes(affinityPrefix),
                        GetOption.builder().withRange(EtcdKeys.prefixEnd(affinityPrefix)).build())));
        if (handleId != null) {
            gets.add(Op.get(EtcdKeys.bytes(IpamKeys.handle(handleId)), GetOption.DEFAULT));
        }
        for (Cidr c : prefetch) {
            gets.add(Op.get(EtcdKeys.bytes(IpamKeys.block(c)), GetOption.DEFAULT));
        }
        TxnResponse r = await(etcd.txn().Then(gets.toArray(Op[]::new)).commit(), "read IPAM state of node " + node);
        List<GetResponse> got = r.getGetResponses();

        IpamConfig config = got.get(0).getKvs().stream().findFirst()
                .map(e -> IpamJson.decodeConfig(IpamKeys.CONFIG, e.getValue().getBytes())).orElse(IpamConfig.DEFAULT);
        List<Pool> pools = new ArrayList<>();
        for (KeyValue e : got.get(1).getKvs()) {
            String key = EtcdKeys.string(e.getKey());
            decodeOnce(key, e.getModRevision(), () -> pool(key, e)).ifPresent(pools::add);
        }
        Optional<Node> nodeResource = Optional.empty();
        for (KeyValue e : got.get(2).getKvs()) {
            nodeResource = decodeOnce(nodeKey, e.getModRevision(), () -> node(nodeKey, e));
        }
        List<KvEntry> affinityEntries = new ArrayList<>();
        for (KeyValue e : got.get(3).getKvs()) {
            affinityEntries.add(new KvEntry(EtcdKeys.string(e.getKey()), e.getValue().getBytes(), e.getCreateRevision(),
                    e.getModRevision()));
        }
        Versioned<IpamHandle> handle = null;
        if (handleId != null) {
            String key = IpamKeys.handle(handleId);
            handle = got.get(4).getKvs().stream().findFirst()
                    .map(e -> new Versioned<>(key, IpamJson.decodeHandle(key, e.getValue().getBytes()), e.getModRevision()))
                    .orElse(Versioned.absent(key, IpamHandle.EMPTY));
        }
        Map<Cidr, Versioned<byte[]>> blocks = new HashMap<>();
        for (GetResponse g : got.subList(handleId == null ? 4 : 5, got.size())) {
            for (KeyValue e : g.getKvs()) {
                String key = EtcdKeys.string(e.getKey());
                IpamKeys.parseBlock(key).ifPresent(c -> blocks.put(c, new Versioned<>(key, e.getValue().getBytes(),
                        e.getModRevision())));
            }
        }
        return new Snapshot(config, pools, nodeResource, toAffinities(affinityEntries), handle, Set.copyOf(prefetch),
                blocks);
    }

    /** A pool or node as last decoded, by key: re-decoded only when its mod revision moves. */
    private record Decoded(long modRevision, Optional<?> value) {
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> decodeOnce(String key, long modRevision, Supplier<Optional<T>> decode) {
        Decoded d = decoded.get(key);
        if (d == null || d.modRevision() != modRevision) {
            if (decoded.size() > DECODED_LIMIT) {
                decoded.clear();
            }
            d = new Decoded(modRevision, decode.get());
            decoded.put(key, d);
        }
        return (Optional<T>) d.value();
    }

    private static Optional<Pool> pool(String key, KeyValue e) {
        try {
            IPPool p = (IPPool) ResourceCodec.fromStoredValue(Kind.IP_POOL, e.getValue().getBytes(), e.getModRevision(), key);
            return Optional.of(Pool.from(p));
        } catch (ManifestException bad) {
            LOG.warnf("event=ippool_unreadable key=%s problem=%s", key, String.join("; ", bad.problems()));
        } catch (RuntimeException bad) {
            LOG.warnf("event=ippool_unusable key=%s problem=%s", key, bad.getMessage());
        }
        return Optional.empty();
    }

    private static Optional<Node> node(String key, KeyValue e) {
        try {
            return Optional.of((Node) ResourceCodec.fromStoredValue(Kind.NODE, e.getValue().getBytes(), e.getModRevision(), key));
        } catch (ManifestException bad) {
            LOG.warnf("event=node_unreadable key=%s problem=%s", key, String.join("; ", bad.problems()));
            return Optional.empty();
        }
    }

    // ---- writing ----

    /** Creates a single key; throws {@code AlreadyExistsException} when it is there. Returns the revision. */
    long create(String key, byte[] value) {
        return kv.create(key, value);
    }

    /**
     * Applies all writes in one transaction if every key is still at the revision it was read at.
     *
     * @return the revision of the transaction, which is now the mod revision of every key it wrote
     * @throws ConflictException naming the first key that changed meanwhile; nothing was written
     */
    long commit(Writes writes) {
        List<Writes.Write> list = writes.list();
        Cmp[] conditions = new Cmp[list.size()];
        Op[] changes = new Op[list.size()];
        Op[] current = new Op[list.size()];
        GetOption revisionOnly = GetOption.builder().withKeysOnly(true).build();
        for (int i = 0; i < list.size(); i++) {
            Writes.Write w = list.get(i);
            ByteSequence k = EtcdKeys.bytes(w.key());
            conditions[i] = w.expectedModRevision() == 0 ? new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0))
                    : new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(w.expectedModRevision()));
            changes[i] = w.isDelete() ? Op.delete(k, DeleteOption.DEFAULT)
                    : Op.put(k, ByteSequence.from(w.value()), PutOption.DEFAULT);
            current[i] = Op.get(k, revisionOnly);
        }
        String what = "write " + describe(list);
        TxnResponse r = await(etcd.txn().If(conditions).Then(changes).Else(current).commit(), what);
        if (r.isSucceeded()) {
            return r.getHeader().getRevision();
        }
        List<GetResponse> now = r.getGetResponses();
        for (int i = 0; i < list.size(); i++) {
            long actual = now.get(i).getKvs().isEmpty() ? 0 : now.get(i).getKvs().get(0).getModRevision();
            if (actual != list.get(i).expectedModRevision()) {
                throw new ConflictException("write", list.get(i).key(), list.get(i).expectedModRevision(), actual);
            }
        }
        // Every key is back at its expected revision: it changed and was restored in between. Still a lost race.
        throw new ConflictException("write", list.get(0).key(), list.get(0).expectedModRevision(), -1);
    }

    private static String describe(List<Writes.Write> list) {
        return list.size() == 1 ? list.get(0).key() : list.get(0).key() + " and " + (list.size() - 1) + " more keys";
    }

    private static List<Affinity> toAffinities(List<KvEntry> entries) {
        List<Affinity> out = new ArrayList<>();
        for (KvEntry e : entries) {
            IpamKeys.parseAffinity(e.key()).ifPresent(k -> out.add(new Affinity(k.node(), k.cidr(),
                    new Versioned<>(e.key(), IpamJson.decodeAffinity(e.key(), e.value()), e.modRevision()))));
        }
        return out;
    }

    private <T> T await(CompletableFuture<T> call, String operation) {
        try {
            return call.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new DatastoreUnavailableException("etcd at " + endpoints + " did not answer " + operation + " within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; check that etcd is running and reachable");
        } catch (ExecutionException e) {
            throw EtcdErrors.translate(e.getCause(), endpoints, operation);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new DatastoreException("interrupted while waiting for etcd: " + operation, e);
        }
    }
}
