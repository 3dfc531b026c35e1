package dev.tabby.policy.render;

/**
 * The fixed IP sets the static chains match on (felix rules/rule_defs.go IPSetID* constants), all {@code hash:net}.
 * Their kernel names come from felix ipsets/ipset_defs.go NameForMainIPSet: {@code cali40<id>} for IPv4,
 * {@code cali60<id>} for IPv6, e.g. {@code cali40all-ipam-pools}. The set {@code this-host} exists only with
 * kube-proxy IPVS support and is not here.
 */
public enum StaticIpSet {
    /** Every IP pool's CIDR of this IP version (felix dataplane/linux/masq_mgr.go). */
    ALL_IPAM_POOLS("all-ipam-pools"),
    /** The CIDRs of the pools with {@code natOutgoing: true} (masq_mgr.go). */
    MASQ_IPAM_POOLS("masq-ipam-pools"),
    /** Every node's address, plus FelixConfiguration externalNodesList: IP-in-IP peers (ipip_mgr.go). IPv4 only. */
    ALL_HOSTS_NET("all-hosts-net"),
    /** Every node's VXLAN parent-device address, plus externalNodesList: VXLAN peers (vxlan_mgr.go). IPv4 only. */
    ALL_VXLAN_NET("all-vxlan-net");

    private final String id;

    StaticIpSet(String id) {
        this.id = id;
    }

    /** Felix's set ID, e.g. {@code all-ipam-pools}. */
    public String id() {
        return id;
    }

    /** The kernel name: {@code cali40<id>} or {@code cali60<id>}. */
    public String name(int ipVersion) {
        if (ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("IP version " + ipVersion + " is neither 4 nor 6");
        }
        return ChainNames.mainIpSet(ipVersion, id);
    }

    /** Felix's set type for all of these. */
    public String type() {
        return "hash:net";
    }
}
