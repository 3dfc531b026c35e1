package dev.tabby.policy.render;

import dev.tabby.policy.calc.Hashes;

/** Chain and IP set names as Felix v3.18 gives them (felix rules/rule_defs.go, rules/policy.go, ipsets/ipset_defs.go). */
public final class ChainNames {
    private ChainNames() {
    }

    /** felix iptables/table.go MaxChainNameLength. */
    public static final int MAX_CHAIN_NAME_LENGTH = 28;
    /** felix ipsets MaxIPSetNameLength. */
    public static final int MAX_IPSET_NAME_LENGTH = 31;

    public static final String POLICY_INBOUND = "cali-pi-";
    public static final String POLICY_OUTBOUND = "cali-po-";
    public static final String PROFILE_INBOUND = "cali-pri-";
    public static final String PROFILE_OUTBOUND = "cali-pro-";

    /**
     * felix rules/policy.go PolicyChainName: prefix + the policy's key name (a NetworkPolicy's is
     * {@code <namespace>/<name>}), hashed down to 28 characters when longer.
     */
    public static String policyChain(String prefix, String policyKeyName) {
        return Hashes.lengthLimitedId(prefix, policyKeyName, MAX_CHAIN_NAME_LENGTH);
    }

    /** felix rules/policy.go ProfileChainName. */
    public static String profileChain(String prefix, String profileName) {
        return Hashes.lengthLimitedId(prefix, profileName, MAX_CHAIN_NAME_LENGTH);
    }

    /**
     * felix ipsets IPVersionConfig.NameForMainIPSet: {@code cali40<id>} / {@code cali60<id>}, cut to 31 characters
     * (the IDs are secure hashes already, so truncation keeps them unique in practice).
     */
    public static String mainIpSet(int ipVersion, String setId) {
        String name = (ipVersion == 6 ? "cali60" : "cali40") + setId;
        return name.length() > MAX_IPSET_NAME_LENGTH ? name.substring(0, MAX_IPSET_NAME_LENGTH) : name;
    }
}
