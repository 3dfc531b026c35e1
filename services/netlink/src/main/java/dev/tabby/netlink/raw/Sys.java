package dev.tabby.netlink.raw;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;

/** The loaded libc and its errno; loaded once per JVM because jnr-ffi generates a class per binding. */
public final class Sys {
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int NETLINK_ROUTE = 0;
    /** nfnetlink: NFLOG, conntrack events (linux/netlink.h). */
    public static final int NETLINK_NETFILTER = 12;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    /** SO_RCVBUF past net.core.rmem_max; needs CAP_NET_ADMIN (asm-generic/socket.h). */
    public static final int SO_RCVBUFFORCE = 33;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final short POLLIN = 0x1;
    public static final int EFD_NONBLOCK = 0x800;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final LibC LIBC = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, Boolean.TRUE).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private Sys() {
    }

    public static LibC libc() {
        return LIBC;
    }

    /** errno of this thread's last call through {@link #libc()}. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /**
     * Opens a namespace file ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}) and returns its fd; the caller
     * closes it with {@link #close(int)}.
     */
    public static int openNamespace(String path) throws ErrnoException {
        int fd = LIBC.open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException(errno(), null);
        }
        return fd;
    }

    public static void close(int fd) {
        if (fd >= 0) {
            LIBC.close(fd);
        }
    }
}
