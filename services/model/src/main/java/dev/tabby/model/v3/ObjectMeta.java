package dev.tabby.model.v3;

import java.util.List;
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
        Map<String, String> annotations,
        Long generation,
        List<OwnerReference> ownerReferences,
        List<String> finalizers) {

    /**
     * Kubernetes' OwnerReference, as Calico v3.18's resources carry it in their metav1.ObjectMeta (written by
     * controllers; Tabby keeps it as it is).
     */
    public record OwnerReference(String apiVersion, String kind, String name, String uid, Boolean controller,
                                 Boolean blockOwnerDeletion) {
    }

    /** The fields Tabby itself writes; generation, ownerReferences and finalizers left empty. */
    public ObjectMeta(String name, String namespace, String resourceVersion, String uid, String creationTimestamp,
                      Map<String, String> labels, Map<String, String> annotations) {
        this(name, namespace, resourceVersion, uid, creationTimestamp, labels, annotations, null, null, null);
    }

    public static ObjectMeta named(String name) {
        return new ObjectMeta(name, null, null, null, null, null, null);
    }

    public static ObjectMeta named(String namespace, String name) {
        return new ObjectMeta(name, namespace, null, null, null, null, null);
    }

    public ObjectMeta withNamespace(String ns) {
        return new ObjectMeta(name, ns, resourceVersion, uid, creationTimestamp, labels, annotations, generation,
                ownerReferences, finalizers);
    }

    public ObjectMeta withResourceVersion(String rv) {
        return new ObjectMeta(name, namespace, rv, uid, creationTimestamp, labels, annotations, generation,
                ownerReferences, finalizers);
    }

    public ObjectMeta withCreation(String newUid, String timestamp) {
        return new ObjectMeta(name, namespace, resourceVersion, newUid, timestamp, labels, annotations, generation,
                ownerReferences, finalizers);
    }

    public ObjectMeta withLabels(Map<String, String> newLabels) {
        return new ObjectMeta(name, namespace, resourceVersion, uid, creationTimestamp, newLabels, annotations,
                generation, ownerReferences, finalizers);
    }

    public Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }
}
