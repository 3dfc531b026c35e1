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

    /**
     * libcalico-go release-v3.18 lib/validator/v3/validator.go: the spec's and status's tags and validateNodeSpec.
     * orchRefs and addresses carry no {@code dive}, so Calico checks nothing inside them; Tabby warns where an
     * address is not one.
     */
    @Override
    public Node validated(Problems p) {
        if (spec == null) {
            return this;
        }
        BGP bgp = spec.bgp;
        if (bgp != null) {
            Problems b = p.at("bgp");
            if (bgp.equals(new BGP(null, null, null, null, null))) {
                b.error("is empty; give the node's BGP addresses or leave bgp out (Calico: Spec.BGP should not be empty)");
            }
            if (bgp.asNumber != null && bgp.asNumber.isReserved()) {
                b.at("asNumber").warn("0 is accepted, as Calico accepts it, but RFC 7607 reserves AS 0: no BGP session"
                        + " can use it");
            }
            bgp = new BGP(bgp.asNumber,
                    Check.ipWithPrefix(b.at("ipv4Address"), bgp.ipv4Address, 4),
                    Check.ipWithPrefix(b.at("ipv6Address"), bgp.ipv6Address, 6),
                    Check.address(b.at("ipv4IPIPTunnelAddr"), bgp.ipv4IPIPTunnelAddr, 4),
                    Check.address(b.at("routeReflectorClusterID"), bgp.routeReflectorClusterID, 4));
        }
        Wireguard wg = spec.wireguard == null ? null : new Wireguard(
                Check.address(p.at("wireguard").at("interfaceIPv4Address"), spec.wireguard.interfaceIPv4Address, 4));
        if (spec.addresses != null) {
            for (int i = 0; i < spec.addresses.size(); i++) {
                NodeAddress a = spec.addresses.get(i);
                Problems at = p.at("addresses").at(i).at("address");
                try {
                    dev.tabby.model.net.Cidr.parseCidrOrIp(a == null || a.address == null ? "" : a.address);
                } catch (IllegalArgumentException e) {
                    at.warn("is not an address: accepted, as Calico v3.18 accepts it, but nothing can use it");
                }
            }
        }
        Spec out = new Spec(bgp,
                Check.address(p.at("ipv4VXLANTunnelAddr"), spec.ipv4VXLANTunnelAddr, 4),
                Check.mac(p.at("vxlanTunnelMACAddr"), spec.vxlanTunnelMACAddr),
                spec.orchRefs, wg, spec.addresses);
        return new Node(metadata, out, status);
    }

    /** The status's one checked field, reported below {@code status} (the caller's view). */
    public static void checkStatus(Problems p, Status status) {
        if (status != null && status.wireguardPublicKey != null && !status.wireguardPublicKey.isEmpty()) {
            checkWireguardKey(p.at("wireguardPublicKey"), status.wireguardPublicKey);
        }
    }

    /** validator.go validateWireguardPublicKey (wgtypes.ParseKey): standard base64 of 32 bytes. */
    private static void checkWireguardKey(Problems p, String key) {
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != 32) {
            p.error("\"" + key + "\" is not a WireGuard public key; expected 32 bytes in base64, as wg pubkey prints"
                    + " (Calico: failed to validate field because of tag: wireguardPublicKey)");
        }
    }
}
