package dev.tabby.dataplane.ipset;

/** The IP set types Felix v3.18 uses (ipsets/ipset_defs.go IPSetType), in ipset's own words. */
public enum IpSetType {
    HASH_IP("hash:ip"),
    HASH_IP_PORT("hash:ip,port"),
    HASH_NET("hash:net");

    private final String word;

    IpSetType(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The type ipset calls {@code word}, or null when Tabby does not use it. */
    static IpSetType of(String word) {
        for (IpSetType t : values()) {
            if (t.word.equals(word)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return word;
    }
}
