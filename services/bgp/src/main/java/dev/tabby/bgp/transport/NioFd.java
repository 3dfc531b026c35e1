package dev.tabby.bgp.transport;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SelectableChannel;

/**
 * The file descriptor behind a java.nio socket channel. The JDK keeps it in sun.nio.ch, which java.base does not
 * export: {@code sun.nio.ch.SelChImpl#getFDVal()} is public, so exporting the package is enough, and the JVM must run
 * with {@value #JVM_FLAG} (or the wider {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}). Without it every
 * call fails with a message naming the flag.
 */
public final class NioFd {
    /** The JVM option that makes the descriptor readable. */
    public static final String JVM_FLAG = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

    private static final MethodHandle GET_FD_VAL;
    private static final String UNAVAILABLE;

    static {
        MethodHandle handle = null;
        String why = null;
        try {
            Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            // lookup(), not publicLookup(): the latter ignores exports qualified to ALL-UNNAMED
            handle = MethodHandles.lookup().findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class));
        } catch (IllegalAccessException e) {
            why = "java.base does not export sun.nio.ch to Tabby: start the JVM with " + JVM_FLAG;
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = "this JDK has no sun.nio.ch.SelChImpl#getFDVal (" + e + "); Tabby needs OpenJDK 17 or later";
        }
        GET_FD_VAL = handle;
        UNAVAILABLE = why;
    }

    private NioFd() {
    }

    /** Null when descriptors can be read, else the one-line reason and remedy; for a service's start-up check. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** The descriptor of an open java.nio socket channel. */
    public static int of(SelectableChannel channel) throws SocketOptionException {
        if (GET_FD_VAL == null) {
            throw new SocketOptionException(0, "cannot read the socket's file descriptor: " + UNAVAILABLE);
        }
        if (!channel.isOpen()) {
            throw new SocketOptionException(SocketOptionException.EBADF,
                    "cannot read the socket's file descriptor: the channel is closed");
        }
        try {
            return (int) GET_FD_VAL.invoke(channel);
        } catch (ClassCastException e) {
            throw new SocketOptionException(0, "cannot read the socket's file descriptor: "
                    + channel.getClass().getName() + " is not a JDK socket channel");
        } catch (Throwable e) {
            throw new SocketOptionException(0, "cannot read the socket's file descriptor: " + e);
        }
    }
}
