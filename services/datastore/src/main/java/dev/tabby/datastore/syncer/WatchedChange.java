package dev.tabby.datastore.syncer;

/**
 * A watch event copied out of jetcd's objects on the watch thread, so the syncer thread works
 * on plain data. {@code previousValue} is null when etcd sent no previous value.
 */
record WatchedChange(boolean deleted, String key, byte[] value, byte[] previousValue, long createRevision,
        long modRevision) {
}
