package dev.tabby.datastore.syncer;

import java.util.Objects;

/**
 * One change to one key, as the syncer delivers it. It carries no previous value: the syncer keeps only each key's
 * revision (issue 16: a second copy of every value cost ~1 kB a key at 50,000 endpoints).
 *
 * @param kind what happened to the key
 * @param key the etcd key
 * @param value the new value; {@code null} for {@link Kind#DELETED}
 * @param modRevision the etcd revision of the change. For a delete found by a re-list
 *        ({@code fromList}), etcd no longer knows when the key went, so this is the list's
 *        revision, by which time it was gone.
 * @param fromList true when the change was derived from a (re-)list rather than a watch event
 */
public record Update(Kind kind, String key, byte[] value, long modRevision, boolean fromList) {

    public enum Kind {
        CREATED, MODIFIED, DELETED
    }

    public Update {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if ((kind == Kind.DELETED) != (value == null)) {
            throw new IllegalArgumentException("a " + kind + " update for " + key
                    + (value == null ? " needs a value" : " has no value"));
        }
    }

    public boolean isDelete() {
        return kind == Kind.DELETED;
    }

    @Override
    public String toString() {
        return "Update[" + kind + " " + key + " rev=" + modRevision + (fromList ? " (list)" : "")
                + (value == null ? "" : " bytes=" + value.length) + "]";
    }
}
