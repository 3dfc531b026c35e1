package dev.tabby.datastore;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Key encoding helpers: keys are UTF-8 strings on our side, bytes on etcd's. */
public final class EtcdKeys {

    private EtcdKeys() {
    }

    public static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }

    public static String string(ByteSequence key) {
        return key.toString(StandardCharsets.UTF_8);
    }

    /**
     * The first key after every key that starts with {@code prefix}: etcd ranges are
     * [start, end), so [prefix, prefixEnd(prefix)) is "everything under prefix". An empty prefix
     * or one of all 0xff bytes means "to the end of the keyspace", which etcd spells "\0".
     */
    public static ByteSequence prefixEnd(String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(bytes, i + 1);
                end[i]++;
                return ByteSequence.from(end);
            }
        }
        return ByteSequence.from(new byte[] {0});
    }

    /**
     * Where a range over {@code prefix} starts. etcd rejects an empty key, so "everything"
     * (the empty prefix) starts at "\0", the smallest non-empty key.
     */
    public static ByteSequence rangeStart(String prefix) {
        return prefix.isEmpty() ? ByteSequence.from(new byte[] {0}) : bytes(prefix);
    }

    /** The smallest key strictly greater than {@code key}: where the next page of a list starts. */
    static ByteSequence successor(ByteSequence key) {
        byte[] bytes = key.getBytes();
        byte[] next = Arrays.copyOf(bytes, bytes.length + 1);
        return ByteSequence.from(next);
    }
}
