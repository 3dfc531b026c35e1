package dev.tabby.netlink.raw;

import java.nio.ByteBuffer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls a netlink socket, a namespace switch and a sysctl need. Buffers passed here are direct, so
 * jnr-ffi hands the kernel their memory without a copy; it passes address + position, so callers keep position 0.
 */
public interface LibC {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In ByteBuffer addr, int addrLen);

    int getsockname(int fd, @Out ByteBuffer addr, IntByReference addrLen);

    int setsockopt(int fd, int level, int option, @In ByteBuffer value, int valueLen);

    int getsockopt(int fd, int level, int option, @Out ByteBuffer value, IntByReference valueLen);

    @ssize_t long sendto(int fd, @In ByteBuffer buf, @size_t long len, int flags, @In ByteBuffer addr, int addrLen);

    @ssize_t long recv(int fd, @Out ByteBuffer buf, @size_t long len, int flags);

    /**
     * Up to {@code vlen} datagrams into the buffers that struct mmsghdr[vlen] {@code msgvec} points at (the headers'
     * msg_len and msg_flags are filled in); {@code timeout} null. Returns how many, or -1 with errno.
     */
    int recvmmsg(int fd, ByteBuffer msgvec, int vlen, int flags, ByteBuffer timeout);

    /** struct pollfd[nfds]: int fd, short events, short revents. */
    int poll(ByteBuffer fds, long nfds, int timeoutMillis);

    int eventfd(int initval, int flags);

    int open(String path, int flags);

    @ssize_t long read(int fd, @Out ByteBuffer buf, @size_t long len);

    @ssize_t long write(int fd, @In ByteBuffer buf, @size_t long len);

    int close(int fd);

    /** Moves the calling thread (only that thread) into the namespace behind {@code fd}. */
    int setns(int fd, int nstype);
}
