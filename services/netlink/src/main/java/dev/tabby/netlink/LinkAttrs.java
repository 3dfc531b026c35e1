package dev.tabby.netlink;

/**
 * What every link has. On reads every field is filled from the kernel; on {@code linkAdd} only the name is
 * required, and 0 / null mean "let the kernel choose".
 *
 * @param index       the ifindex (0 when adding)
 * @param name        the interface name, at most 15 bytes
 * @param mtu         0 for the kernel's default
 * @param mac         null for a random address
 * @param up          IFF_UP is set
 * @param masterIndex the bridge or bond it is enslaved to, 0 for none
 * @param parentIndex IFLA_LINK: the veth peer's index, a VLAN's parent; 0 for none
 * @param operState   operational state as iproute2 prints it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ...
 */
public record LinkAttrs(int index, String name, int mtu, MacAddress mac, boolean up, int masterIndex, int parentIndex,
                        String operState) {

    /** Attributes for a new link: only a name; everything else the kernel chooses. */
    public static LinkAttrs named(String name) {
        return new LinkAttrs(0, name, 0, null, false, 0, 0, null);
    }

    public LinkAttrs withMtu(int newMtu) {
        return new LinkAttrs(index, name, newMtu, mac, up, masterIndex, parentIndex, operState);
    }

    /** For {@code linkAdd}: create the link already up. */
    public LinkAttrs withUp(boolean newUp) {
        return new LinkAttrs(index, name, mtu, mac, newUp, masterIndex, parentIndex, operState);
    }

    public LinkAttrs withMac(MacAddress newMac) {
        return new LinkAttrs(index, name, mtu, newMac, up, masterIndex, parentIndex, operState);
    }
}
