package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;

/**
 * A Calico v3 resource ({@code apiVersion: projectcalico.org/v3}). Each kind is a record of metadata and spec;
 * {@code apiVersion} and {@code kind} are written by the codec, not stored in the record.
 */
public sealed interface Resource
        permits IPPool, Node, BGPConfiguration, BGPPeer, FelixConfiguration, NetworkPolicy, GlobalNetworkPolicy,
        NetworkSet, GlobalNetworkSet, HostEndpoint, WorkloadEndpoint, Profile, ClusterInformation {

    String API_VERSION = "projectcalico.org/v3";

    ObjectMeta metadata();

    Resource withMetadata(ObjectMeta metadata);

    /**
     * Checks the spec, reporting below {@code spec}, and returns this resource with Calico's defaults filled in
     * and values normalised (CIDRs to their network address, say). Metadata is checked by the caller.
     */
    Resource validated(Problems spec);

    default Kind kind() {
        return Kind.of(getClass());
    }

    default String name() {
        return metadata().name();
    }

    default String namespace() {
        return metadata().namespace();
    }
}
