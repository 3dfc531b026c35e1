package dev.tabby.bgp.transport;

import java.util.Map;

/**
 * A setsockopt or getsockopt the kernel refused, or a socket whose descriptor could not be read. The message is one
 * line naming the option, the socket and errno; it never carries an option's value (an MD5 key is one).
 */
public final class SocketOptionException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EBADF = 9;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;
    public static final int EINVAL = 22;
    public static final int ENOTSOCK = 88;
    public static final int ENOPROTOOPT = 92;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;

    /** The errnos setsockopt/getsockopt return (man 2 setsockopt, net/ipv4/tcp.c), with glibc's texts. */
    private static final Map<Integer, String> NAMES = Map.of(
            EPERM, "EPERM (Operation not permitted)",
            ENOENT, "ENOENT (No such file or directory)",
            EBADF, "EBADF (Bad file descriptor)",
            ENOMEM, "ENOMEM (Cannot allocate memory)",
            EFAULT, "EFAULT (Bad address)",
            EINVAL, "EINVAL (Invalid argument)",
            ENOTSOCK, "ENOTSOCK (Socket operation on non-socket)",
            ENOPROTOOPT, "ENOPROTOOPT (Protocol not available)",
            EOPNOTSUPP, "EOPNOTSUPP (Operation not supported)",
            EAFNOSUPPORT, "EAFNOSUPPORT (Address family not supported by protocol)");

    private final int errno;

    public SocketOptionException(int errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** The kernel's errno, or 0 when no system call failed (e.g. the descriptor could not be read). */
    public int errno() {
        return errno;
    }

    static String describe(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "errno " + errno;
    }
}
