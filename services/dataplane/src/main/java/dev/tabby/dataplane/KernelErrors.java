package dev.tabby.dataplane;

import dev.tabby.netlink.NetlinkException;
import dev.tabby.netlink.raw.Errno;

/** How drivers read the kernel's refusals. */
public final class KernelErrors {
    /** Not in {@link Errno}'s constants: IPv4 and IPv6 answer a delete of a missing route with it. */
    private static final int ESRCH = 3;

    private KernelErrors() {
    }

    /**
     * A delete found nothing to delete: the object is gone, which is what the delete wanted. ENODEV counts too:
     * when a device goes, the kernel drops its routes, neighbours and FDB with it.
     */
    public static boolean alreadyGone(NetlinkException e) {
        int errno = e.errno();
        return errno == ESRCH || errno == Errno.ENOENT || errno == Errno.ENODEV;
    }

    /** An add found the slot taken: by an object we did not know of, or by someone else's. */
    public static boolean exists(NetlinkException e) {
        return e.errno() == Errno.EEXIST;
    }

    /** The device index we hold is stale (the device was deleted or recreated). */
    public static boolean noDevice(NetlinkException e) {
        return e.errno() == Errno.ENODEV;
    }
}
