package dev.tabby.netlink;

import dev.tabby.netlink.raw.Errno;
import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.LibC;
import dev.tabby.netlink.raw.Sys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes /proc/sys through libc, so a failure carries the kernel's errno. /proc/sys/net shows the
 * namespace of the calling thread: callers run these on the handle's namespace thread.
 */
final class Sysctl {
    private static final String ROOT = "/proc/sys/";
    /** Per-interface sysctls: net/ipv4/conf/IFACE/..., net/ipv6/neigh/IFACE/... */
    private static final Pattern PER_INTERFACE = Pattern.compile("(net/ipv[46]/(?:conf|neigh))/([^/]+)/.+");

    private Sysctl() {
    }

    /** Accepts {@code net/ipv4/conf/cali1/forwarding}; refuses absolute paths and anything that climbs out. */
    static String validate(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("sysctl path is empty; expected e.g. net/ipv4/conf/eth0/forwarding");
        }
        if (path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("sysctl \"" + path + "\": expected a path relative to /proc/sys, e.g. net/ipv4/ip_forward");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("sysctl \"" + path + "\": empty, \".\" and \"..\" segments are not allowed");
            }
        }
        return path;
    }

    static String read(String path) throws ErrnoException {
        LibC libc = Sys.libc();
        int fd = open(path, Sys.O_RDONLY);
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                long n = libc.read(fd, buf, buf.capacity());
                if (n < 0) {
                    int errno = Sys.errno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    throw new ErrnoException(errno, reason(errno, path, null));
                }
                if (n == 0) {
                    break;
                }
                byte[] chunk = new byte[(int) n];
                buf.get(0, chunk);
                out.write(chunk, 0, chunk.length);
            }
            return out.toString(StandardCharsets.UTF_8).strip();
        } finally {
            Sys.close(fd);
        }
    }

    static void write(String path, String value) throws ErrnoException {
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(1, raw.length));
        buf.put(0, raw);
        int fd = open(path, Sys.O_WRONLY);
        try {
            while (true) {
                // One write: proc handlers parse each write on its own, so a split value would be two values.
                long n = Sys.libc().write(fd, buf, raw.length);
                if (n >= 0) {
                    return;
                }
                int errno = Sys.errno();
                if (errno != Errno.EINTR) {
                    throw new ErrnoException(errno, reason(errno, path, value));
                }
            }
        } finally {
            Sys.close(fd);
        }
    }

    private static int open(String path, int mode) throws ErrnoException {
        int fd = Sys.libc().open(ROOT + path, mode | Sys.O_CLOEXEC);
        if (fd < 0) {
            int errno = Sys.errno();
            throw new ErrnoException(errno, reason(errno, path, null));
        }
        return fd;
    }

    /** The operator's words for why; runs in the namespace so it can look for the interface's directory. */
    private static String reason(int errno, String path, String value) {
        switch (errno) {
            case Errno.ENOENT: {
                Matcher m = PER_INTERFACE.matcher(path);
                if (m.matches() && !Files.isDirectory(Path.of(ROOT + m.group(1), m.group(2)))) {
                    return "no such interface";
                }
                return "no such sysctl";
            }
            case Errno.EACCES:
            case Errno.EPERM:
                return "permission denied";
            case Errno.EROFS:
                return "read-only: /proc/sys is mounted read-only here";
            case Errno.EINVAL:
                return value == null ? "invalid argument" : "the kernel refused the value \"" + value + "\"";
            default:
                return Errno.text(errno).toLowerCase(Locale.ROOT);
        }
    }
}
