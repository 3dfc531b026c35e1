package dev.tabby.model.v3;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The resource kinds Tabby understands, with the names calicoctl accepts for them on the command line and the
 * plural that names their etcd directory ({@code /calico/resources/v3/projectcalico.org/<plural>/...}).
 */
public enum Kind {
    IP_POOL("IPPool", "ippools", false, IPPool.class, "ippool", "ipp", "ipps", "pool", "pools"),
    NODE("Node", "nodes", false, Node.class, "node", "no", "nos"),
    BGP_CONFIGURATION("BGPConfiguration", "bgpconfigurations", false, BGPConfiguration.class,
            "bgpconfiguration", "bgpconfig", "bgpconfigs", "bgpc"),
    BGP_PEER("BGPPeer", "bgppeers", false, BGPPeer.class, "bgppeer", "bgpp", "bgpps", "bp", "bps"),
    FELIX_CONFIGURATION("FelixConfiguration", "felixconfigurations", false, FelixConfiguration.class,
            "felixconfiguration", "felixconfig", "felixconfigs", "fc"),
    NETWORK_POLICY("NetworkPolicy", "networkpolicies", true, NetworkPolicy.class,
            "networkpolicy", "policy", "policies", "pol", "pols", "netpol", "netpols", "np", "nps"),
    GLOBAL_NETWORK_POLICY("GlobalNetworkPolicy", "globalnetworkpolicies", false, GlobalNetworkPolicy.class,
            "globalnetworkpolicy", "gnp", "gnps"),
    NETWORK_SET("NetworkSet", "networksets", true, NetworkSet.class, "networkset", "netset", "netsets"),
    GLOBAL_NETWORK_SET("GlobalNetworkSet", "globalnetworksets", false, GlobalNetworkSet.class,
            "globalnetworkset", "gns", "gnss"),
    HOST_ENDPOINT("HostEndpoint", "hostendpoints", false, HostEndpoint.class, "hostendpoint", "hep", "heps"),
    WORKLOAD_ENDPOINT("WorkloadEndpoint", "workloadendpoints", true, WorkloadEndpoint.class,
            "workloadendpoint", "wep", "weps"),
    PROFILE("Profile", "profiles", false, Profile.class, "profile", "pro", "pros"),
    CLUSTER_INFORMATION("ClusterInformation", "clusterinformations", false, ClusterInformation.class,
            "clusterinformation", "clusterinfo", "clusterinfos", "ci");

    /**
     * {@code values()} copies its array on every call, and {@link #of} (every {@code Resource.kind()}) and
     * {@link #byKindName} run several times for each of the 55,000 values policy-renderer decodes at start
     * (issue 16). Never handed out, so never changed.
     */
    private static final Kind[] ALL = values();

    private final String kindName;
    private final String plural;
    private final boolean namespaced;
    private final Class<? extends Resource> type;
    private final List<String> aliases;

    Kind(String kindName, String plural, boolean namespaced, Class<? extends Resource> type, String... aliases) {
        this.kindName = kindName;
        this.plural = plural;
        this.namespaced = namespaced;
        this.type = type;
        this.aliases = List.of(aliases);
    }

    /** The name in manifests: {@code IPPool}. */
    public String kindName() {
        return kindName;
    }

    /** The name of the kind's etcd directory: {@code ippools}. */
    public String plural() {
        return plural;
    }

    public boolean namespaced() {
        return namespaced;
    }

    public Class<? extends Resource> type() {
        return type;
    }

    /** The list kind calicoctl writes for several of these: {@code IPPoolList}. */
    public String listKindName() {
        return kindName + "List";
    }

    /** By manifest kind name, exactly as written ({@code IPPool}). */
    public static Optional<Kind> byKindName(String name) {
        for (Kind k : ALL) {
            if (k.kindName.equals(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** By any name an operator may type on the command line: {@code ippool}, {@code IPPools}, {@code ipp}. */
    public static Optional<Kind> byCliName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(ALL)
                .filter(k -> k.kindName.toLowerCase(Locale.ROOT).equals(n) || k.plural.equals(n) || k.aliases.contains(n))
                .findFirst();
    }

    public static Kind of(Class<?> type) {
        for (Kind k : ALL) {
            if (k.type == type) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a resource class: " + type.getName());
    }

    public static String allKindNames() {
        return String.join(", ", Arrays.stream(ALL).map(Kind::kindName).toList());
    }
}
