package dev.tabby.testbed;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.Rule;
import java.util.List;
import java.util.Map;

/**
 * The testbed is its workloads' orchestrator, so it keeps what Calico's Kubernetes integration keeps for every
 * namespace: the profile {@code kns.<namespace>} that allows all ingress and egress and applies the namespace's
 * {@code pcns.projectcalico.org/name} label (libcalico-go release-v3.18 lib/backend/k8s/conversion/conversion.go
 * NamespaceToProfile). Workloads then reach each other until a policy selects them, as pods do in a Calico cluster.
 * A profile that exists is left as it is: an operator may have edited it.
 */
final class NamespaceProfiles {
    static final String PREFIX = "kns.";
    private static final Rule ALLOW = new Rule("Allow", null, null, null, null, null, null, null, null, null);

    private NamespaceProfiles() {
    }

    static void ensure(ResourceStore store, String namespace) {
        Profile p = new Profile(ObjectMeta.named(PREFIX + namespace), new Profile.Spec(
                List.of(ALLOW), List.of(ALLOW), Map.of("pcns.projectcalico.org/name", namespace)));
        try {
            store.create(p);
        } catch (ResourceExistsException e) {
            // kept as it is
        }
    }
}
