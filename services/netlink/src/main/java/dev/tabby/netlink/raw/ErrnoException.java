package dev.tabby.netlink.raw;

/**
 * A failed system call or a NLMSG_ERROR from the kernel, before the typed layer adds what was asked of what. Checked,
 * so that no raw error escapes the typed API without its context.
 */
public final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String kernelMessage;

    public ErrnoException(int errno, String kernelMessage) {
        super(Errno.name(errno) + (kernelMessage == null ? "" : ": " + kernelMessage), null, false, false);
        this.errno = errno;
        this.kernelMessage = kernelMessage;
    }

    public int errno() {
        return errno;
    }

    /** The extended-ACK text (NLMSGERR_ATTR_MSG), or null. */
    public String kernelMessage() {
        return kernelMessage;
    }
}
