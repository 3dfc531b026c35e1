package dev.tabby.datastore.syncer;

import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.EtcdKeys;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One etcd watch stream over one prefix (or the single canary key), tagged with the syncer
 * generation that opened it. Runs on jetcd's threads: it only copies events into plain
 * {@link WatchedChange}s and hands them to the syncer's queue, and notes when it last heard
 * anything so the canary can spot a stream that went quiet.
 *
 * <p>jetcd would quietly re-open a failed stream by itself; we do not rely on that. Any error or
 * unexpected end is reported as {@link SyncerSignal.WatchEnded} and the syncer re-lists.
 *
 * <p>Backpressure: when the syncer's queue has no room for a batch (the consumer is far behind),
 * the stream stops passing on changes, reports itself overflowed and the syncer re-lists; a
 * change is never dropped without that report.
 */
final class PrefixWatch implements Watch.Listener {

    private final String prefix;
    private final boolean singleKey;
    private final int generation;
    private final SignalQueue sink;
    private volatile long lastHeardNanos;
    private volatile boolean overflowed;
    private volatile String lastValueSeen;
    private volatile boolean muted;
    private volatile boolean closedByUs;
    private volatile Watch.Watcher watcher;

    private PrefixWatch(String prefix, boolean singleKey, int generation, SignalQueue sink) {
        this.prefix = prefix;
        this.singleKey = singleKey;
        this.generation = generation;
        this.sink = sink;
        this.lastHeardNanos = System.nanoTime();
    }

    /** Watches every key under {@code prefix}, starting at {@code fromRevision}, with previous values. */
    static PrefixWatch open(Client client, String prefix, long fromRevision, int generation,
            SignalQueue sink) {
        return open(client, prefix, false, fromRevision, generation, sink);
    }

    /** Watches exactly {@code key}: the canary's own stream. */
    static PrefixWatch openKey(Client client, String key, long fromRevision, int generation,
            SignalQueue sink) {
        return open(client, key, true, fromRevision, generation, sink);
    }

    private static PrefixWatch open(Client client, String prefix, boolean singleKey, long fromRevision,
            int generation, SignalQueue sink) {
        PrefixWatch watch = new PrefixWatch(prefix, singleKey, generation, sink);
        // No previous values: nothing reads them, and each would cost a copy of the old value per change.
        WatchOption.Builder option = WatchOption.builder().withRevision(fromRevision).withPrevKV(false);
        if (!singleKey) {
            option.withRange(EtcdKeys.prefixEnd(prefix));
        }
        ByteSequence key = singleKey ? EtcdKeys.bytes(prefix) : EtcdKeys.rangeStart(prefix);
        watch.watcher = client.getWatchClient().watch(key, option.build(), watch);
        return watch;
    }

    String prefix() {
        return prefix;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** For the canary stream: the newest value seen for its key. */
    String lastValueSeen() {
        return lastValueSeen;
    }

    /** Asks etcd to answer on this stream even if nothing changed (a progress notification). */
    void requestProgress() {
        Watch.Watcher w = watcher;
        if (w != null && !closedByUs && !muted) {
            w.requestProgress();
        }
    }

    /** Test hook: from now on behave like a stream that died without telling anyone. */
    void mute() {
        muted = true;
    }

    void close() {
        closedByUs = true;
        Watch.Watcher w = watcher;
        if (w != null) {
            w.close();
        }
    }

    @Override
    public void onNext(WatchResponse response) {
        if (closedByUs || muted) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        if (overflowed) {
            return; // already told the syncer; its re-list covers whatever arrives now
        }
        List<WatchEvent> events = response.getEvents();
        if (events.isEmpty()) {
            return; // progress notification: proof of life, nothing to apply
        }
        if (singleKey) {
            WatchEvent last = events.get(events.size() - 1);
            lastValueSeen = last.getEventType() == WatchEvent.EventType.DELETE ? null
                    : EtcdKeys.string(last.getKeyValue().getValue());
            return;
        }
        List<WatchedChange> changes = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            KeyValue kv = event.getKeyValue();
            switch (event.getEventType()) {
                case PUT -> changes.add(new WatchedChange(false, EtcdKeys.string(kv.getKey()), kv.getValue().getBytes(),
                        kv.getCreateRevision(), kv.getModRevision()));
                case DELETE -> changes.add(new WatchedChange(true, EtcdKeys.string(kv.getKey()), null, 0,
                        kv.getModRevision()));
                default -> {
                    // UNRECOGNIZED: a newer etcd event type we do not understand; a re-list will tell.
                    sink.offer(new SyncerSignal.WatchEnded(generation, prefix,
                            "unrecognised watch event type " + event.getEventType(), false, false));
                    return;
                }
            }
        }
        if (!sink.offerChanges(new SyncerSignal.Changes(generation, prefix, changes))) {
            overflowed = true;
            sink.offer(new SyncerSignal.WatchEnded(generation, prefix, "the consumer is too far behind: no room for "
                    + changes.size() + " more changes", false, true));
        }
    }

    @Override
    public void onError(Throwable error) {
        if (closedByUs) {
            return;
        }
        Throwable t = EtcdErrors.unwrap(error);
        boolean compacted = t instanceof CompactedException;
        sink.offer(new SyncerSignal.WatchEnded(generation, prefix, EtcdErrors.rootCause(t), compacted, false));
    }

    @Override
    public void onCompleted() {
        if (closedByUs) {
            return;
        }
        sink.offer(new SyncerSignal.WatchEnded(generation, prefix, "watch stream ended by etcd", false, false));
    }
}
