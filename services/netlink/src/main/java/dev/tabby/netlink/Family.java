package dev.tabby.netlink;

/** Address families as the kernel numbers them. */
public final class Family {
    public static final int UNSPEC = 0;
    public static final int INET = 2;
    public static final int BRIDGE = 7;
    public static final int INET6 = 10;

    private Family() {
    }
}
