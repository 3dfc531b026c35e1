package dev.tabby.netlink;

import dev.tabby.model.net.IpAddress;

/**
 * A neighbour (ARP / NDP) entry: {@code ip neigh replace IP lladdr MAC dev DEV nud permanent}.
 *
 * @param state NUD_* state, {@link #PERMANENT} for the entries Tabby writes
 */
public record Neigh(int linkIndex, IpAddress ip, MacAddress mac, int state) {
    public static final int PERMANENT = 0x80;
    public static final int NOARP = 0x40;
    public static final int REACHABLE = 0x02;
    public static final int STALE = 0x04;

    public static Neigh permanent(int linkIndex, IpAddress ip, MacAddress mac) {
        return new Neigh(linkIndex, ip, mac, PERMANENT);
    }
}
