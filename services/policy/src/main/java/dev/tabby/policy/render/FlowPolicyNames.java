package dev.tabby.policy.render;

/**
 * The names flow logs give what made a verdict (the {@code policy} of a flow record): {@code <tier>.<name>} for a
 * GlobalNetworkPolicy, {@code <namespace>/<tier>.<name>} for a NetworkPolicy (Calico v3.18 open source has the one tier
 * {@code default}), {@code profile:<name>} for a profile, {@code end-of-tier:<tier>} for the drop after a tier's
 * policies when none passed or allowed, {@code no-policy} for the final drop of an endpoint with no profile.
 */
public final class FlowPolicyNames {
    private FlowPolicyNames() {
    }

    /** The only tier of Calico v3.18 open source. */
    public static final String DEFAULT_TIER = "default";
    public static final String NO_POLICY = "no-policy";

    /** From Felix's policy key name: a GlobalNetworkPolicy's name, or a NetworkPolicy's {@code <namespace>/<name>}. */
    public static String policy(String policyKeyName) {
        int slash = policyKeyName.indexOf('/');
        return slash < 0 ? DEFAULT_TIER + "." + policyKeyName
                : policyKeyName.substring(0, slash + 1) + DEFAULT_TIER + "." + policyKeyName.substring(slash + 1);
    }

    public static String profile(String profileName) {
        return "profile:" + profileName;
    }

    public static String endOfTier(String tier) {
        return "end-of-tier:" + tier;
    }
}
