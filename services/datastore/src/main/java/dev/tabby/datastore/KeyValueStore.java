package dev.tabby.datastore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Raw keys and byte values in etcd with compare-and-swap writes.
 *
 * <p>Every call waits at most {@link EtcdConfig#timeout()} and then fails with
 * {@link DatastoreUnavailableException}; nothing here can hang forever. Writes return the new
 * etcd revision, which is the written key's mod revision (for deletes: the revision at which
 * the key disappeared).
 */
public final class KeyValueStore implements AutoCloseable {

    /** Keys per list page: ~0.5 MB for Calico-sized values, far below gRPC's message limit. */
    public static final int DEFAULT_PAGE_SIZE = 1000;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final Client client;
    private final KV kv;
    private final EtcdConfig config;
    private final boolean ownsClient;
    private final Duration timeout;
    private final String endpoints;

    private KeyValueStore(Client client, EtcdConfig config, boolean ownsClient) {
        this.client = client;
        this.kv = client.getKVClient();
        this.config = config;
        this.ownsClient = ownsClient;
        this.timeout = config.timeout();
        this.endpoints = config.endpointsText();
    }

    /** Connects to etcd; {@link #close()} closes the underlying client. */
    public static KeyValueStore connect(EtcdConfig config) {
        return new KeyValueStore(EtcdClients.build(config), config, true);
    }

    /** Uses a client the caller owns; {@link #close()} leaves it open. */
    public static KeyValueStore using(Client client, EtcdConfig config) {
        return new KeyValueStore(client, config, false);
    }

    public Client client() {
        return client;
    }

    public EtcdConfig config() {
        return config;
    }

    public Optional<KvEntry> get(String key) {
        GetResponse response = read(() -> kv.get(EtcdKeys.bytes(key)), "get " + key);
        return response.getKvs().isEmpty() ? Optional.empty() : Optional.of(toEntry(response.getKvs().get(0)));
    }

    /** Everything under {@code prefix} as of the latest revision. */
    public ListResult list(String prefix) {
        return list(prefix, 0);
    }

    /**
     * Everything under {@code prefix} as of {@code atRevision} (0 = latest), fetched in pages that
     * all read the same revision, so the result is one consistent snapshot however large.
     *
     * @throws RevisionCompactedException if {@code atRevision} (or, for a long list, the
     *         revision of its first page) has been compacted meanwhile
     */
    public ListResult list(String prefix, long atRevision) {
        return list(prefix, atRevision, DEFAULT_PAGE_SIZE);
    }

    public ListResult list(String prefix, long atRevision, int pageSize) {
        return list(List.of(prefix), atRevision, pageSize).get(0);
    }

    /**
     * Everything under each of {@code prefixes}, all as of one revision ({@code atRevision}, or 0 for the latest).
     * The first pages are asked for at once, so listing a few prefixes costs about one round trip, not one each.
     *
     * @throws RevisionCompactedException if the revision has been compacted meanwhile
     */
    public List<ListResult> list(List<String> prefixes, long atRevision, int pageSize) {
        List<List<KvEntry>> entries = new ArrayList<>(prefixes.size());
        prefixes.forEach(p -> entries.add(new ArrayList<>()));
        long revision = listPages(prefixes, atRevision, pageSize, (i, page) -> entries.get(i).addAll(page));
        List<ListResult> out = new ArrayList<>(prefixes.size());
        entries.forEach(e -> out.add(new ListResult(e, revision)));
        return out;
    }

    /** Receives a list's pages one at a time, in key order within each prefix, prefixes in the order asked. */
    @FunctionalInterface
    public interface PageSink {
        /** @param prefixIndex which of the prefixes the page belongs to */
        void page(int prefixIndex, List<KvEntry> page);
    }

    /**
     * As {@link #list(List, long, int)}, but hands each page to {@code sink} as it arrives instead of collecting
     * them, so a caller that takes what it needs from a page holds no more than a page or two of raw values however
     * large the list.
     *
     * @return the revision every page was read at
     * @throws RevisionCompactedException if the revision has been compacted meanwhile
     */
    public long listPages(List<String> prefixes, long atRevision, int pageSize, PageSink sink) {
        List<CompletableFuture<GetResponse>> asked = new ArrayList<>(prefixes.size());
        for (String prefix : prefixes) {
            asked.add(page(prefix, EtcdKeys.rangeStart(prefix), atRevision, pageSize));
        }
        List<GetResponse> firstPages = new ArrayList<>(prefixes.size());
        long revision = atRevision;
        for (int i = 0; i < prefixes.size(); i++) {
            GetResponse first = firstPage(prefixes.get(i), asked.get(i), atRevision, pageSize);
            firstPages.add(first);
            if (atRevision == 0) {
                revision = Math.max(revision, first.getHeader().getRevision());
            }
        }
        for (int i = 0; i < prefixes.size(); i++) {
            String prefix = prefixes.get(i);
            GetResponse first = firstPages.get(i);
            firstPages.set(i, null); // handed on below: let it go with its page
            if (atRevision == 0 && first.getHeader().getRevision() < revision) {
                // Read before a write that another prefix's first page saw: read it again at the common revision.
                long common = revision;
                first = read(() -> page(prefix, EtcdKeys.rangeStart(prefix), common, pageSize), "list " + prefix);
            }
            rest(i, prefix, first, revision, pageSize, sink);
        }
        return revision;
    }

    /** Waits for a page already asked for; should etcd be unreachable, asks again until the timeout. */
    private GetResponse firstPage(String prefix, CompletableFuture<GetResponse> asked, long revision, int pageSize) {
        List<CompletableFuture<GetResponse>> unused = new ArrayList<>(List.of(asked));
        return read(() -> unused.isEmpty() ? page(prefix, EtcdKeys.rangeStart(prefix), revision, pageSize)
                : unused.remove(0), "list " + prefix);
    }

    /** Hands on the first page's entries and those of the pages after it, all at {@code revision}. */
    private void rest(int index, String prefix, GetResponse first, long revision, int pageSize, PageSink sink) {
        GetResponse page = first;
        while (true) {
            List<KeyValue> kvs = page.getKvs();
            List<KvEntry> entries = new ArrayList<>(kvs.size());
            for (KeyValue keyValue : kvs) {
                entries.add(toEntry(keyValue));
            }
            boolean more = page.isMore() && !kvs.isEmpty();
            ByteSequence next = more ? EtcdKeys.successor(kvs.get(kvs.size() - 1).getKey()) : null;
            page = null; // the response's protobuf copy of the values is not needed once copied out
            if (!entries.isEmpty()) {
                sink.page(index, entries);
            }
            if (!more) {
                return;
            }
            page = read(() -> page(prefix, next, revision, pageSize), "list " + prefix);
        }
    }

    private CompletableFuture<GetResponse> page(String prefix, ByteSequence from, long revision, int pageSize) {
        GetOption option = GetOption.builder().withRange(EtcdKeys.prefixEnd(prefix)).withLimit(pageSize)
                .withRevision(revision).build();
        return kv.get(from, option);
    }

    /** Creates the key only if it does not exist. */
    public long create(String key, byte[] value) {
        ByteSequence k = EtcdKeys.bytes(key);
        TxnResponse response = write(() -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "create " + key);
        if (response.isSucceeded()) {
            return response.getHeader().getRevision();
        }
        long current = currentFrom(response).map(KvEntry::modRevision).orElse(0L);
        throw new AlreadyExistsException(key, current);
    }

    /** Replaces the value only if the key's mod revision is still {@code expectedModRevision}. */
    public long update(String key, byte[] value, long expectedModRevision) {
        requirePositive(expectedModRevision, "update", key);
        ByteSequence k = EtcdKeys.bytes(key);
        TxnResponse response = write(() -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "update " + key);
        if (response.isSucceeded()) {
            return response.getHeader().getRevision();
        }
        throw casFailure("update", key, expectedModRevision, response);
    }

    /** Deletes the key only if its mod revision is still {@code expectedModRevision}. */
    public long delete(String key, long expectedModRevision) {
        requirePositive(expectedModRevision, "delete", key);
        ByteSequence k = EtcdKeys.bytes(key);
        TxnResponse response = write(() -> kv.txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
                .Then(Op.delete(k, DeleteOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit(), "delete " + key);
        if (response.isSucceeded()) {
            return response.getHeader().getRevision();
        }
        throw casFailure("delete", key, expectedModRevision, response);
    }

    /** Deletes the key whatever its revision. */
    public long delete(String key) {
        DeleteResponse response = write(() -> kv.delete(EtcdKeys.bytes(key)), "delete " + key);
        if (response.getDeleted() == 0) {
            throw new NotFoundException("delete", key);
        }
        return response.getHeader().getRevision();
    }

    /** Writes the value whatever was there before (no compare-and-swap). */
    public long put(String key, byte[] value) {
        return write(() -> putAsync(key, value), "put " + key);
    }

    /**
     * Fire-and-forget flavour of {@link #put} for callers that must not block (the syncer's
     * canary). The future fails with the raw jetcd error; pass it to {@link EtcdErrors}.
     */
    public CompletableFuture<Long> putAsync(String key, byte[] value) {
        return kv.put(EtcdKeys.bytes(key), ByteSequence.from(value)).thenApply(r -> r.getHeader().getRevision());
    }

    /**
     * Several puts in one transaction, applied atomically at one revision (bulk loading). etcd
     * caps a transaction at 128 operations by default (--max-txn-ops).
     */
    public long putAll(List<KvEntry> entries) {
        Op[] ops = entries.stream()
                .map(e -> Op.put(EtcdKeys.bytes(e.key()), ByteSequence.from(e.value()), PutOption.DEFAULT))
                .toArray(Op[]::new);
        TxnResponse response = write(() -> kv.txn().Then(ops).commit(), "put " + entries.size() + " keys");
        return response.getHeader().getRevision();
    }

    /** The latest revision of the whole keyspace. */
    public long currentRevision() {
        GetResponse response = read(() -> kv.get(EtcdKeys.bytes("\0"),
                GetOption.builder().withCountOnly(true).build()), "read current revision");
        return response.getHeader().getRevision();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private DatastoreException casFailure(String operation, String key, long expected, TxnResponse response) {
        Optional<KvEntry> current = currentFrom(response);
        if (current.isEmpty()) {
            return new NotFoundException(operation, key);
        }
        return new ConflictException(operation, key, expected, current.get().modRevision());
    }

    private static Optional<KvEntry> currentFrom(TxnResponse response) {
        List<GetResponse> gets = response.getGetResponses();
        if (gets.isEmpty() || gets.get(0).getKvs().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toEntry(gets.get(0).getKvs().get(0)));
    }

    private static void requirePositive(long expectedModRevision, String operation, String key) {
        // etcd compares a missing key's mod revision as 0, so 0 would quietly turn a CAS
        // update into a create; refuse it instead.
        if (expectedModRevision <= 0) {
            throw new IllegalArgumentException(operation + " of key " + key + ": expected mod revision must be > 0, got "
                    + expectedModRevision + "; use create() for new keys");
        }
    }

    static KvEntry toEntry(KeyValue kv) {
        return new KvEntry(EtcdKeys.string(kv.getKey()), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision());
    }

    /** Reads are idempotent: retried on any outage until the timeout. */
    private <T> T read(Supplier<CompletableFuture<T>> call, String operation) {
        return call(call, operation, true);
    }

    /**
     * Writes are retried only when the connection could not even be opened, so the request
     * cannot have reached etcd; a retry after a lost reply could otherwise report a spurious
     * conflict for a write that in fact succeeded.
     */
    private <T> T write(Supplier<CompletableFuture<T>> call, String operation) {
        return call(call, operation, false);
    }

    /**
     * Runs the call, waiting at most the configured timeout in total. While etcd is
     * unreachable gRPC fails calls at once (and holds off reconnecting for a growing back-off),
     * so failed attempts are repeated until the deadline: a call made just after etcd comes
     * back succeeds instead of failing, and a call against a broken setup still fails with
     * the real cause rather than a bare timeout.
     */
    private <T> T call(Supplier<CompletableFuture<T>> call, String operation, boolean idempotent) {
        long deadline = System.nanoTime() + timeout.toNanos();
        DatastoreException lastFailure = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw lastFailure != null ? lastFailure : timedOut(operation, null);
            }
            CompletableFuture<T> future = call.get();
            try {
                return future.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                throw timedOut(operation, lastFailure);
            } catch (ExecutionException e) {
                DatastoreException failure = EtcdErrors.translate(e.getCause(), endpoints, operation);
                boolean retry = failure instanceof DatastoreUnavailableException
                        && (idempotent || EtcdErrors.neverConnected(e.getCause()));
                if (!retry) {
                    throw failure;
                }
                lastFailure = failure;
                sleepBeforeRetry(deadline);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new DatastoreException("interrupted while waiting for etcd: " + operation, e);
            }
        }
    }

    private DatastoreUnavailableException timedOut(String operation, DatastoreException lastFailure) {
        String message = "etcd at " + endpoints + " did not answer " + operation + " within " + timeout.toMillis()
                + " ms; check that etcd is running and reachable";
        return lastFailure == null ? new DatastoreUnavailableException(message)
                : new DatastoreUnavailableException(lastFailure.getMessage(), lastFailure);
    }

    private static void sleepBeforeRetry(long deadline) {
        long pause = Math.min(RETRY_PAUSE.toNanos(), Math.max(0, deadline - System.nanoTime()));
        try {
            TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("interrupted while waiting to retry etcd", e);
        }
    }
}
