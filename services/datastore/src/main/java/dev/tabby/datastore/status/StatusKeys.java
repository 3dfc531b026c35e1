package dev.tabby.datastore.status;

/** Where services publish their status: {@code /tabby/status/<node>/<service>} (architecture.md, "Datastore"). */
public final class StatusKeys {
    public static final String PREFIX = "/tabby/status/";

    private StatusKeys() {
    }

    public static String of(String node, String service) {
        return PREFIX + node + "/" + service;
    }

    /** Every service's status of one node, or of all nodes when {@code node} is null. */
    public static String prefix(String node) {
        return node == null ? PREFIX : PREFIX + node + "/";
    }
}
