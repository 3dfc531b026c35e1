package dev.tabby.netlink;

/** Route types (rtnetlink RTN_*). */
public final class RouteType {
    public static final int UNICAST = 1;
    public static final int LOCAL = 2;
    public static final int BROADCAST = 3;
    public static final int BLACKHOLE = 6;
    public static final int UNREACHABLE = 7;
    public static final int PROHIBIT = 8;

    private RouteType() {
    }
}
