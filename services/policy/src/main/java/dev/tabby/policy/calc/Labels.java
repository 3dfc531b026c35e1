package dev.tabby.policy.calc;

/** The label names Calico itself writes and matches (libcalico-go lib/apis/v3 and lib/backend/k8s/conversion). */
public final class Labels {
    private Labels() {
    }

    public static final String NAMESPACE = "projectcalico.org/namespace";
    public static final String SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
    public static final String ORCHESTRATOR = "projectcalico.org/orchestrator";
    /** Namespace labels, as a namespace's profile {@code kns.<ns>} applies them to its endpoints. */
    public static final String NAMESPACE_LABEL_PREFIX = "pcns.";
    /** Service-account labels, as the profile {@code ksa.<ns>.<sa>} applies them. */
    public static final String SERVICE_ACCOUNT_LABEL_PREFIX = "pcsa.";
    /** The profile Calico keeps per namespace. */
    public static final String NAMESPACE_PROFILE_PREFIX = "kns.";
}
