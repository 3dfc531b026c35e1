package dev.tabby.cni.spec;

/**
 * A failure the plugin reports to the runtime as the spec's error result:
 * {@code {"cniVersion": ..., "code": N, "msg": ..., "details": ...}} on stdout and a non-zero exit.
 * Codes below 100 are the spec's; 100 and above are Tabby's own, each with a message that says what failed.
 */
public final class CniError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    // CNI spec 1.0.0, "Error" section.
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;

    // Tabby's own (the spec leaves 100 and up to plugins).
    /** A bug or an unforeseen failure; the daemon log has the stack trace. */
    public static final int INTERNAL = 100;
    /** No address could be had: no pool serves the node, the pools are exhausted, the delegated IPAM refused. */
    public static final int IPAM_FAILURE = 101;
    /** The kernel refused part of the interface set-up (veth, address, route, sysctl). */
    public static final int INTERFACE_FAILURE = 102;
    /** The WorkloadEndpoint could not be written or removed. */
    public static final int ENDPOINT_FAILURE = 103;
    /** CHECK found the container's network different from what ADD set up. */
    public static final int CHECK_MISMATCH = 104;
    /** The policy renderer reported the new endpoint's policy as failed ({@code "status":"error"}). */
    public static final int POLICY_FAILURE = 105;

    private final int code;
    private final String details;

    public CniError(int code, String msg) {
        this(code, msg, null, null);
    }

    public CniError(int code, String msg, String details) {
        this(code, msg, details, null);
    }

    public CniError(int code, String msg, String details, Throwable cause) {
        super(msg, cause);
        this.code = code;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public String msg() {
        return getMessage();
    }

    /** Longer, optional explanation; null for none. */
    public String details() {
        return details;
    }
}
