package dev.tabby.ipam;

import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link Ipam#autoAssign} is asked for: {@code num4} IPv4 and {@code num6} IPv6 addresses for {@code node},
 * recorded under {@code handle} (Calico's CNI uses {@code k8s-pod-network.<container id>}; may be null for an
 * allocation no one will release by handle) with {@code attributes} (pod, namespace, ...; {@code node} is added when
 * absent). Empty pool lists mean every enabled pool whose nodeSelector matches the node.
 */
public record AutoAssignRequest(String node, String handle, Map<String, String> attributes, int num4, int num6,
        List<Cidr> ipv4Pools, List<Cidr> ipv6Pools) {

    public static final String ATTRIBUTE_NODE = "node";
    public static final String ATTRIBUTE_POD = "pod";
    public static final String ATTRIBUTE_NAMESPACE = "namespace";
    public static final String ATTRIBUTE_TYPE = "type";

    public AutoAssignRequest {
        IpamKeys.requireNode(node);
        if (handle != null) {
            IpamKeys.requireHandle(handle);
        }
        if (num4 < 0 || num6 < 0 || num4 + num6 == 0) {
            throw new IllegalArgumentException("ask for at least one address (num4 " + num4 + ", num6 " + num6 + ")");
        }
        Map<String, String> attrs = new TreeMap<>(attributes == null ? Map.of() : attributes);
        attrs.putIfAbsent(ATTRIBUTE_NODE, node);
        attributes = Map.copyOf(attrs);
        ipv4Pools = List.copyOf(ipv4Pools == null ? List.of() : ipv4Pools);
        ipv6Pools = List.copyOf(ipv6Pools == null ? List.of() : ipv6Pools);
        for (Cidr c : ipv4Pools) {
            if (!c.isV4()) {
                throw new IllegalArgumentException("ipv4Pools lists " + c + ", an IPv6 network");
            }
        }
        for (Cidr c : ipv6Pools) {
            if (c.isV4()) {
                throw new IllegalArgumentException("ipv6Pools lists " + c + ", an IPv4 network");
            }
        }
    }

    /** {@code count} IPv4 addresses from any pool that serves the node. */
    public static AutoAssignRequest ipv4(String node, String handle, int count) {
        return new AutoAssignRequest(node, handle, Map.of(), count, 0, List.of(), List.of());
    }

    /** {@code count} IPv6 addresses from any pool that serves the node. */
    public static AutoAssignRequest ipv6(String node, String handle, int count) {
        return new AutoAssignRequest(node, handle, Map.of(), 0, count, List.of(), List.of());
    }

    public AutoAssignRequest withAttributes(Map<String, String> attrs) {
        return new AutoAssignRequest(node, handle, attrs, num4, num6, ipv4Pools, ipv6Pools);
    }

    public AutoAssignRequest withCounts(int v4, int v6) {
        return new AutoAssignRequest(node, handle, attributes, v4, v6, ipv4Pools, ipv6Pools);
    }

    public AutoAssignRequest withPools(List<Cidr> v4Pools, List<Cidr> v6Pools) {
        return new AutoAssignRequest(node, handle, attributes, num4, num6, v4Pools, v6Pools);
    }

    int count(int version) {
        return version == 4 ? num4 : num6;
    }

    List<Cidr> pools(int version) {
        return version == 4 ? ipv4Pools : ipv6Pools;
    }
}
