package dev.tabby.dataplane.ipset;

/**
 * Felix v3.18's IP set names (ipsets/ipset_defs.go IPVersionConfig): a main set is "cali" + IP version + "0" + the set
 * ID, cut to 31 characters (NameForMainIPSet, combineAndTrunc, MaxIPSetNameLength); a temporary set is
 * "cali" + version + "t" + a number (NameForTempIPSet). Every set whose name starts with "cali4" or "cali6" is
 * Felix's (OwnsIPSet), so a set left by Felix or by an earlier Tabby is recognised too.
 */
public final class IpSetNames {
    /** The kernel's limit (IPSET_MAXNAMELEN - 1); Felix MaxIPSetNameLength. */
    public static final int MAX_LENGTH = 31;

    private IpSetNames() {
    }

    /** The dataplane name for set {@code setId} (e.g. "s:qMt7iLlGDhvLnCjM0l9nzxb..."), family 4 or 6. */
    public static String main(int ipVersion, String setId) {
        String combined = "cali" + version(ipVersion) + "0" + setId;
        return combined.length() > MAX_LENGTH ? combined.substring(0, MAX_LENGTH) : combined;
    }

    static String temp(int ipVersion, int n) {
        return "cali" + version(ipVersion) + "t" + n;
    }

    /** Whether {@code name} is a Calico set: Tabby manages it and may destroy it. */
    public static boolean owned(String name) {
        return name.startsWith("cali4") || name.startsWith("cali6");
    }

    static boolean isTemp(String name) {
        return name.startsWith("cali4t") || name.startsWith("cali6t");
    }

    private static int version(int ipVersion) {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
        return ipVersion;
    }
}
