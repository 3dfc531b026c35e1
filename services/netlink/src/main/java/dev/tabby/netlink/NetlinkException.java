package dev.tabby.netlink;

import dev.tabby.netlink.raw.Errno;

/**
 * A kernel refusal (or a failed sysctl), with what was asked and of what:
 * {@code route 10.1.0.0/26 via 10.0.0.2 dev eth0: ENETUNREACH (Network is unreachable)}. When the kernel explains
 * itself (netlink extended ACK) or Tabby knows more, that follows after {@code "; "}.
 */
public final class NetlinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final String object;
    private final String detail;

    /**
     * @param errno     the positive errno the kernel returned
     * @param operation the API call, e.g. {@code routeAdd}
     * @param object    what it was about, in iproute2's words, e.g. {@code route 10.1.0.0/26 via 10.0.0.2 dev eth0}
     * @param detail    the kernel's extended-ACK text or Tabby's own hint; null for none
     */
    public NetlinkException(int errno, String operation, String object, String detail) {
        this(errno, operation, object, detail,
                object + ": " + Errno.name(errno) + " (" + Errno.text(errno) + ")" + (detail == null ? "" : "; " + detail));
    }

    private NetlinkException(int errno, String operation, String object, String detail, String message) {
        super(message);
        this.errno = errno;
        this.operation = operation;
        this.object = object;
        this.detail = detail;
    }

    /** A sysctl failure reads as the operator would say it: {@code sysctl net/ipv4/conf/cali1/forwarding: no such interface}. */
    static NetlinkException sysctl(int errno, String operation, String path, String reason) {
        String object = "sysctl " + path;
        return new NetlinkException(errno, operation, object, reason,
                object + ": " + reason + " (" + Errno.name(errno) + ")");
    }

    public int errno() {
        return errno;
    }

    /** {@code EEXIST}, {@code ENOENT}, {@code ENODEV}, {@code ENETUNREACH}, ... */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The API call that failed, e.g. {@code routeAdd}. */
    public String operation() {
        return operation;
    }

    /** The object in iproute2's words, e.g. {@code route 10.1.0.0/26 via 10.0.0.2 dev eth0}. */
    public String object() {
        return object;
    }

    /** The kernel's own explanation (extended ACK) or Tabby's hint; null when there is none. */
    public String detail() {
        return detail;
    }
}
