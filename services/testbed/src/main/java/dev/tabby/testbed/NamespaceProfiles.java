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
 * And, for the service account the CNI plugin names when a pod has none ({@code default}), the profile
 * {@code ksa.<namespace>.default} with no rules and the label {@code pcsa.projectcalico.org/name} (conversion.go
 * ServiceAccountToProfile), which a rule's {@code serviceAccounts.selector} matches. A profile that exists is left as
 * it is: an operator may have edited it.
 */
final class NamespaceProfiles {
    static final String PREFIX = "kns.";
    static final String SERVICE_ACCOUNT_PREFIX = "ksa.";
    static final String SERVICE_ACCOUNT = "default";
    private static final Rule ALLOW = new Rule("Allow", null, null, null, null, null, null, null, null, null);

    private NamespaceProfiles() {
    }

    static void ensure(ResourceStore store, String namespace) {
        create(store, new Profile(ObjectMeta.named(PREFIX + namespace), new Profile.Spec(
                List.of(ALLOW), List.of(ALLOW), Map.of("pcns.projectcalico.org/name", namespace))));
        create(store, new Profile(ObjectMeta.named(SERVICE_ACCOUNT_PREFIX + namespace + "." + SERVICE_ACCOUNT),
                new Profile.Spec(null, null, Map.of("pcsa.projectcalico.org/name", SERVICE_ACCOUNT))));
    }

    private static void create(ResourceStore store, Profile p) {
        try {
            store.create(p);
        } catch (ResourceExistsException e) {
            // kept as it is
        }
    }
}
