package dev.tabby.netlink;

/**
 * Route protocol numbers: who installed a route. Tabby's services mark their routes with their own number so a
 * restarted service finds its routes and nobody else's (see architecture.md, "Ownership").
 */
public final class RouteProtocol {
    public static final int KERNEL = 2;
    public static final int BOOT = 3;
    public static final int STATIC = 4;
    public static final int CNI = 80;
    public static final int VXLAN = 81;
    public static final int IPIP = 82;
    public static final int BGP = 83;

    private RouteProtocol() {
    }
}
