package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;

/** Cluster-wide facts ({@code default} only): its GUID, type, version and whether the datastore is ready. */
public record ClusterInformation(ObjectMeta metadata, Spec spec) implements Resource {

    public record Spec(String clusterGUID, String clusterType, String calicoVersion, Boolean datastoreReady,
                       String variant) {
    }

    @Override
    public ClusterInformation withMetadata(ObjectMeta m) {
        return new ClusterInformation(m, spec);
    }

    @Override
    public ClusterInformation validated(Problems p) {
        // Only the name is constrained ("default"), and that is metadata: see ResourceValidator.
        return this;
    }
}
