package dev.tabby.cni.daemon;

import jnr.ffi.LibraryLoader;

/**
 * The process's file-creation mask, which the JDK cannot set: the daemon narrows it while it binds its socket, so the
 * socket file is born with mode 0600 and never has a wider one, even for an instant.
 */
final class Umask {
    /** libc's umask(2); nothing else. */
    public interface Posix {
        int umask(int mask);
    }

    private static final Posix POSIX = LibraryLoader.create(Posix.class).load("c");

    private Umask() {
    }

    /** Sets the mask; returns the previous one. */
    static int set(int mask) {
        return POSIX.umask(mask);
    }
}
