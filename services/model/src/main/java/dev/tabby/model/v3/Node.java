package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.List;

/** A host in the cluster: its addresses, AS number and tunnel addresses. Written by node registration. */
public record Node(ObjectMeta metadata, Spec spec, Status status) implements Resource {

    public record Spec(
            BGP bgp,
            String ipv4VXLANTunnelAddr,
            String vxlanTunnelMACAddr,
            List<OrchRef> orchRefs,
            Wireguard wireguard,
            List<NodeAddress> addresses) {
    }

    /** v3.18 NodeAddress: an address a client reaches the node at, an IP or an IP with its prefix, kept as written. */
    public record NodeAddress(String address) {
    }

    /** The node's BGP identity; addresses carry their subnet's prefix length, as in {@code 10.0.0.5/24}. */
    public record BGP(
            AsNumber asNumber,
            String ipv4Address,
            String ipv6Address,
            String ipv4IPIPTunnelAddr,
            String routeReflectorClusterID) {
    }

    public record OrchRef(String nodeName, String orchestrator) {
    }

    public record Wireguard(String interfaceIPv4Address) {
    }

    public record Status(String wireguardPublicKey, List<String> podCIDRs) {
    }

    @Override
    public Node withMetadata(ObjectMeta m) {
        return new Node(m, spec, status);
    }

    public Node withStatus(Status s) {
        return new Node(metadata, spec, s);
    }

    @Override
    public Node validated(Problems p) {
        if (spec == null) {
            return this;
        }
        BGP bgp = spec.bgp;
        if (bgp != null) {
            Problems b = p.at("bgp");
            if (bgp.ipv4Address == null && bgp.ipv6Address == null) {
                b.error("has neither ipv4Address nor ipv6Address; a BGP-enabled node needs at least one");
            }
            bgp = new BGP(bgp.asNumber,
                    Check.ipWithPrefix(b.at("ipv4Address"), bgp.ipv4Address, 4),
                    Check.ipWithPrefix(b.at("ipv6Address"), bgp.ipv6Address, 6),
                    Check.ipOfVersion(b.at("ipv4IPIPTunnelAddr"), bgp.ipv4IPIPTunnelAddr, 4),
                    Check.ipOfVersion(b.at("routeReflectorClusterID"), bgp.routeReflectorClusterID, 4));
        }
        if (spec.orchRefs != null) {
            for (int i = 0; i < spec.orchRefs.size(); i++) {
                OrchRef ref = spec.orchRefs.get(i);
                if (ref == null) {
                    p.at("orchRefs").at(i).error("is empty");
                    continue;
                }
                Check.required(p.at("orchRefs").at(i).at("orchestrator"), ref.orchestrator);
            }
        }
        Wireguard wg = spec.wireguard == null ? null : new Wireguard(
                Check.ipOfVersion(p.at("wireguard").at("interfaceIPv4Address"), spec.wireguard.interfaceIPv4Address, 4));
        if (spec.addresses != null) {
            for (int i = 0; i < spec.addresses.size(); i++) {
                NodeAddress a = spec.addresses.get(i);
                Problems at = p.at("addresses").at(i).at("address");
                if (a == null || a.address == null || a.address.isBlank()) {
                    at.error("is required: an IP address, with or without its prefix length");
                    continue;
                }
                try {
                    dev.tabby.model.net.Cidr.parseCidrOrIp(a.address); // validator.go "net": an IP or a CIDR
                } catch (IllegalArgumentException e) {
                    at.error(e.getMessage());
                }
            }
        }
        Spec out = new Spec(bgp,
                Check.ipOfVersion(p.at("ipv4VXLANTunnelAddr"), spec.ipv4VXLANTunnelAddr, 4),
                Check.mac(p.at("vxlanTunnelMACAddr"), spec.vxlanTunnelMACAddr),
                spec.orchRefs, wg, spec.addresses);
        return new Node(metadata, out, status);
    }
}
