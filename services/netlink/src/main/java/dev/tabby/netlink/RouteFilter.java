package dev.tabby.netlink;

import dev.tabby.model.net.Cidr;

/**
 * Which routes {@code routeList} returns; null fields match anything. The kernel dumps whole tables, so the
 * filter is applied while parsing, before any Route is built.
 */
public record RouteFilter(Integer family, Integer table, Integer protocol, Integer linkIndex, Cidr destination) {
    public static final RouteFilter ALL = new RouteFilter(null, null, null, null, null);

    public static RouteFilter protocolInTable(int protocol, int table) {
        return new RouteFilter(null, table, protocol, null, null);
    }

    public RouteFilter withFamily(int f) {
        return new RouteFilter(f, table, protocol, linkIndex, destination);
    }

    public RouteFilter withLink(int index) {
        return new RouteFilter(family, table, protocol, index, destination);
    }

    public RouteFilter withDestination(Cidr d) {
        return new RouteFilter(family, table, protocol, linkIndex, d);
    }
}
