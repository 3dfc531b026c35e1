package dev.tabby.bgp.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * setsockopt(2) and getsockopt(2) through jnr-ffi, for the options java.nio does not offer. Option numbers are
 * Linux's (include/uapi/linux/in.h, in6.h, tcp.h, asm-generic/socket.h). Every failure is a {@link
 * SocketOptionException} naming the option and the socket; no value ever appears in a message.
 */
public final class SocketOptions {
    public static final int SOL_SOCKET = 1;
    public static final int SO_DOMAIN = 39;
    public static final int IPPROTO_IP = 0;
    public static final int IP_TTL = 2;
    public static final int IP_MINTTL = 21;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_MD5SIG = 14;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_UNICAST_HOPS = 16;
    public static final int IPV6_MINHOPCOUNT = 73;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    /** The libc calls used here; public because jnr-ffi implements it from outside this package. */
    public interface LibC {
        int setsockopt(int fd, int level, int option, @In ByteBuffer value, int valueLen);

        int getsockopt(int fd, int level, int option, @Out ByteBuffer value, IntByReference valueLen);
    }

    private static final LibC LIBC =
            LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, Boolean.TRUE).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private SocketOptions() {
    }

    /** Sets an int-valued option. */
    public static void setInt(int fd, int level, int option, int value) throws SocketOptionException {
        ByteBuffer buf = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder());
        buf.putInt(0, value);
        set(fd, level, option, buf);
    }

    /** Reads an int-valued option. */
    public static int getInt(int fd, int level, int option) throws SocketOptionException {
        ByteBuffer buf = ByteBuffer.allocateDirect(Integer.BYTES).order(ByteOrder.nativeOrder());
        IntByReference len = new IntByReference(Integer.BYTES);
        if (LIBC.getsockopt(fd, level, option, buf, len) != 0) {
            int errno = RUNTIME.getLastError();
            throw new SocketOptionException(errno, "getsockopt(" + name(level, option) + ") on socket fd " + fd
                    + " failed: " + SocketOptionException.describe(errno) + remedy(level, option, errno));
        }
        return buf.getInt(0);
    }

    /** The socket's address family: {@link #AF_INET} or {@link #AF_INET6} for a TCP socket. */
    public static int family(int fd) throws SocketOptionException {
        return getInt(fd, SOL_SOCKET, SO_DOMAIN);
    }

    /**
     * Sets an option from the bytes of a direct buffer, position 0 to limit. The buffer may hold a secret: callers
     * clear it afterwards, and it is never printed.
     */
    public static void set(int fd, int level, int option, ByteBuffer value) throws SocketOptionException {
        if (!value.isDirect() || value.position() != 0) {
            throw new IllegalArgumentException("setsockopt needs a direct buffer at position 0");
        }
        if (LIBC.setsockopt(fd, level, option, value, value.limit()) != 0) {
            int errno = RUNTIME.getLastError();
            throw new SocketOptionException(errno, "setsockopt(" + name(level, option) + ") on socket fd " + fd
                    + " failed: " + SocketOptionException.describe(errno) + remedy(level, option, errno));
        }
    }

    static String name(int level, int option) {
        String levelName = switch (level) {
            case SOL_SOCKET -> "SOL_SOCKET";
            case IPPROTO_IP -> "IPPROTO_IP";
            case IPPROTO_TCP -> "IPPROTO_TCP";
            case IPPROTO_IPV6 -> "IPPROTO_IPV6";
            default -> "level " + level;
        };
        String optionName = switch (level * 1000 + option) {
            case SOL_SOCKET * 1000 + SO_DOMAIN -> "SO_DOMAIN";
            case IPPROTO_IP * 1000 + IP_TTL -> "IP_TTL";
            case IPPROTO_IP * 1000 + IP_MINTTL -> "IP_MINTTL";
            case IPPROTO_TCP * 1000 + TCP_MD5SIG -> "TCP_MD5SIG";
            case IPPROTO_IPV6 * 1000 + IPV6_UNICAST_HOPS -> "IPV6_UNICAST_HOPS";
            case IPPROTO_IPV6 * 1000 + IPV6_MINHOPCOUNT -> "IPV6_MINHOPCOUNT";
            default -> "option " + option;
        };
        return levelName + ", " + optionName;
    }

    /** What to do, where the errno alone does not say it. */
    private static String remedy(int level, int option, int errno) {
        if (errno == SocketOptionException.ENOPROTOOPT && level == IPPROTO_TCP && option == TCP_MD5SIG) {
            return ": this kernel has no TCP MD5 signatures; build it with CONFIG_TCP_MD5SIG=y";
        }
        if (errno == SocketOptionException.EBADF) {
            return ": the channel was closed";
        }
        return "";
    }
}
