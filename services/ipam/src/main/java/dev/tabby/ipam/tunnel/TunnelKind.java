package dev.tabby.ipam.tunnel;

import dev.tabby.ipam.TunnelAddressType;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import java.util.function.UnaryOperator;

/**
 * The overlays whose node tunnel address calico/node allocates (calico/node release-v3.18
 * pkg/allocateip/allocateip.go): for each, the IPAM handle and {@code type} attribute, which pools serve it and
 * where on the Node the address lives. The two differ only there: VXLAN reads a pool's {@code vxlanMode} and keeps
 * the address in {@code spec.ipv4VXLANTunnelAddr}; IP-in-IP reads {@code ipipMode} and keeps it in
 * {@code spec.bgp.ipv4IPIPTunnelAddr}, dropping {@code spec.bgp} when the address was all it held (libcalico-go
 * refuses an empty BGP spec).
 */
public enum TunnelKind {
    VXLAN(TunnelAddressType.VXLAN, "VXLAN", "vxlan") {
        @Override
        public boolean encapsulates(IPPool pool) {
            return isEncapMode(pool.spec().vxlanMode());
        }

        @Override
        public String addressOn(Node.Spec s) {
            return s == null ? null : s.ipv4VXLANTunnelAddr();
        }

        @Override
        public Node.Spec withAddress(Node.Spec s, String address) {
            Node.Spec in = orEmpty(s);
            return new Node.Spec(in.bgp(), address, in.vxlanTunnelMACAddr(), in.orchRefs(), in.wireguard(),
                    in.addresses());
        }
    },
    IPIP(TunnelAddressType.IPIP, "IP-in-IP", "ipip") {
        @Override
        public boolean encapsulates(IPPool pool) {
            return isEncapMode(pool.spec().ipipMode());
        }

        @Override
        public String addressOn(Node.Spec s) {
            return s == null || s.bgp() == null ? null : s.bgp().ipv4IPIPTunnelAddr();
        }

        @Override
        public Node.Spec withAddress(Node.Spec s, String address) {
            Node.Spec in = orEmpty(s);
            Node.BGP b = in.bgp() == null ? EMPTY_BGP : in.bgp();
            Node.BGP out = new Node.BGP(b.asNumber(), b.ipv4Address(), b.ipv6Address(), address,
                    b.routeReflectorClusterID());
            // allocateip.go removeHostTunnelAddr: "If removing the tunnel address causes the BGP spec to be empty,
            // then nil it out."
            return new Node.Spec(out.equals(EMPTY_BGP) ? null : out, in.ipv4VXLANTunnelAddr(), in.vxlanTunnelMACAddr(),
                    in.orchRefs(), in.wireguard(), in.addresses());
        }
    };

    private static final Node.BGP EMPTY_BGP = new Node.BGP(null, null, null, null, null);

    private final TunnelAddressType type;
    private final String displayName;
    private final String shortName;

    TunnelKind(TunnelAddressType type, String displayName, String shortName) {
        this.type = type;
        this.displayName = displayName;
        this.shortName = shortName;
    }

    /** The IPAM handle prefix and {@code type} attribute of this kind's addresses. */
    public TunnelAddressType type() {
        return type;
    }

    /** The overlay's name as operators write it: VXLAN, IP-in-IP. */
    public String displayName() {
        return displayName;
    }

    /** The name of the allocator's thread: {@code tabby-vxlan-tunnel-addr}, {@code tabby-ipip-tunnel-addr}. */
    public String threadName() {
        return "tabby-" + shortName + "-tunnel-addr";
    }

    /** Whether the pool's mode for this overlay is Always or CrossSubnet (Never, empty or unknown: no). */
    public abstract boolean encapsulates(IPPool pool);

    /** The tunnel address the Node spec records, as written (null or blank: none). */
    public abstract String addressOn(Node.Spec spec);

    /** A copy of the spec (null: an empty one) with this kind's address set; {@code address} null removes it. */
    public abstract Node.Spec withAddress(Node.Spec spec, String address);

    /**
     * The hook vxlan-manager gives its allocator: fills an unset {@code vxlanTunnelMACAddr} with {@code mac} (the
     * node's derived VTEP MAC) and keeps one an operator set.
     */
    public static UnaryOperator<Node.Spec> fillVxlanMac(String mac) {
        return s -> {
            Node.Spec in = orEmpty(s);
            if (in.vxlanTunnelMACAddr() != null && !in.vxlanTunnelMACAddr().isBlank()) {
                return in;
            }
            return new Node.Spec(in.bgp(), in.ipv4VXLANTunnelAddr(), mac, in.orchRefs(), in.wireguard(),
                    in.addresses());
        };
    }

    private static Node.Spec orEmpty(Node.Spec s) {
        return s != null ? s : new Node.Spec(null, null, null, null, null, null);
    }

    private static boolean isEncapMode(String mode) {
        return "Always".equals(mode) || "CrossSubnet".equals(mode);
    }
}
