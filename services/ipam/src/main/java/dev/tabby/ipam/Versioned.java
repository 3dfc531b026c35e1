package dev.tabby.ipam;

/**
 * A value as read from etcd with the mod revision a compare-and-swap must quote. {@code modRevision} 0 stands for
 * "the key does not exist yet": writing then means creating.
 */
record Versioned<T>(String key, T value, long modRevision) {

    static <T> Versioned<T> absent(String key, T emptyValue) {
        return new Versioned<>(key, emptyValue, 0);
    }

    boolean exists() {
        return modRevision > 0;
    }
}
