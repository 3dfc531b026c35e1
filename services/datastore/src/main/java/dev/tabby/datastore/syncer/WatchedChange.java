package dev.tabby.datastore.syncer;

/**
 * A watch event copied out of jetcd's objects on the watch thread, so the syncer thread works
 * on plain data and no jetcd KeyValue or ByteSequence outlives the event.
 */
record WatchedChange(boolean deleted, String key, byte[] value, long createRevision, long modRevision) {
}
