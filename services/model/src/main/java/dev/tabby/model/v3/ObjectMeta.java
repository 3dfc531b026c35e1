package dev.tabby.model.v3;

import java.util.Map;

/**
 * The metadata every Calico v3 resource carries. {@code resourceVersion} is the etcd mod revision and is never
 * stored inside the value; {@code uid} and {@code creationTimestamp} are set by the datastore on create.
 */
public record ObjectMeta(
        String name,
        String namespace,
        String resourceVersion,
        String uid,
        String creationTimestamp,
        Map<String, String> labels,
        Map<String, String> annotations) {

    public static ObjectMeta named(String name) {
        return new ObjectMeta(name, null, null, null, null, null, null);
    }

    public static ObjectMeta named(String namespace, String name) {
        return new ObjectMeta(name, namespace, null, null, null, null, null);
    }

    public ObjectMeta withNamespace(String ns) {
        return new ObjectMeta(name, ns, resourceVersion, uid, creationTimestamp, labels, annotations);
    }

    public ObjectMeta withResourceVersion(String rv) {
        return new ObjectMeta(name, namespace, rv, uid, creationTimestamp, labels, annotations);
    }

    public ObjectMeta withCreation(String newUid, String timestamp) {
        return new ObjectMeta(name, namespace, resourceVersion, newUid, timestamp, labels, annotations);
    }

    public ObjectMeta withLabels(Map<String, String> newLabels) {
        return new ObjectMeta(name, namespace, resourceVersion, uid, creationTimestamp, newLabels, annotations);
    }

    public Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }
}
