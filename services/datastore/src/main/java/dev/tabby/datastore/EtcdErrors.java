package dev.tabby.datastore;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns jetcd/gRPC failures into the datastore's typed exceptions with one-line messages that
 * say which endpoints, which operation, what failed and what to check.
 */
public final class EtcdErrors {

    private EtcdErrors() {
    }

    /**
     * @param endpoints the endpoints as configured, for the message
     * @param operation what we were doing, e.g. "get /calico/x"
     */
    public static DatastoreException translate(Throwable failure, String endpoints, String operation) {
        Throwable t = unwrap(failure);
        if (t instanceof DatastoreException de) {
            return de;
        }
        String cause = rootCause(t);
        if (t instanceof CompactedException ce) {
            return new RevisionCompactedException(operation + " failed: revision " + ce.getCompactedRevision()
                    + " and older were compacted by etcd; read again at the latest revision", t);
        }
        if (isAuthFailure(t)) {
            return new AccessDeniedException("etcd at " + endpoints + " refused " + operation + ": " + cause
                    + "; check " + EtcdConfig.USERNAME_VAR + "/" + EtcdConfig.PASSWORD_VAR
                    + " and the user's role permissions", t);
        }
        Status.Code code = statusCode(t);
        if (code == Status.Code.OUT_OF_RANGE && cause.contains("compacted")) {
            return new RevisionCompactedException(operation + " failed: " + cause
                    + "; read again at the latest revision", t);
        }
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED
                || cause.contains("no leader") || causedByConnectionLoss(t)) {
            return unavailable(endpoints, operation, cause, t);
        }
        if (code != Status.Code.UNKNOWN) {
            return new DatastoreException("etcd at " + endpoints + " failed " + operation + ": " + cause, t);
        }
        if (t instanceof java.io.IOException || t instanceof javax.net.ssl.SSLException) {
            return unavailable(endpoints, operation, cause, t);
        }
        return new DatastoreException("etcd at " + endpoints + " failed " + operation + ": " + cause, t);
    }

    private static DatastoreUnavailableException unavailable(String endpoints, String operation, String cause,
            Throwable t) {
        return new DatastoreUnavailableException("etcd at " + endpoints + " is unavailable for " + operation + ": "
                + cause + "; " + remedy(cause, endpoints), t);
    }

    private static String remedy(String cause, String endpoints) {
        String lower = cause.toLowerCase();
        if (lower.contains("certification path") || lower.contains("pkix")) {
            return "etcd's server certificate is not signed by the CA in " + EtcdConfig.CA_FILE_VAR
                    + " (or, when that is unset, by a system CA); point it at the CA that signed etcd's certificate";
        }
        if (lower.contains("subject alternative name") || lower.contains("hostname")) {
            return "etcd's server certificate does not name the host in " + EtcdConfig.ENDPOINTS_VAR
                    + "; use an endpoint host that the certificate lists";
        }
        if (lower.contains("bad_certificate") || lower.contains("certificate_required") || lower.contains("unknown_ca")) {
            return "etcd rejected our client certificate; set " + EtcdConfig.CERT_FILE_VAR + "/"
                    + EtcdConfig.KEY_FILE_VAR + " to a certificate signed by a CA that etcd trusts";
        }
        if (looksLikeTls(cause)) {
            return "check the TLS settings " + EtcdConfig.CA_FILE_VAR + ", " + EtcdConfig.CERT_FILE_VAR + " and "
                    + EtcdConfig.KEY_FILE_VAR + " against etcd's";
        }
        return "check that etcd is running and reachable at " + endpoints;
    }

    /**
     * jetcd hands back either its own EtcdException or gRPC's StatusRuntimeException depending
     * on the code path; read the status code from whichever it is.
     */
    static Status.Code statusCode(Throwable t) {
        if (t instanceof EtcdException ee) {
            return Status.Code.valueOf(ee.getErrorCode().name());
        }
        return Status.fromThrowable(t).getCode();
    }

    static boolean isAuthFailure(Throwable t) {
        Status.Code code = statusCode(t);
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
            return true;
        }
        String all = chainText(t);
        return all.contains("authentication failed") || all.contains("permission denied")
                || all.contains("user name is empty") || all.contains("invalid auth token")
                || all.contains("user name not found");
    }

    /**
     * True when the call failed because no connection could be opened (refused, unreachable),
     * which means the request never reached etcd and is safe to send again.
     */
    public static boolean neverConnected(Throwable t) {
        Throwable current = t;
        int guard = 0;
        while (current != null && guard++ < 20) {
            if (current instanceof java.net.ConnectException || current instanceof java.net.NoRouteToHostException) {
                return true;
            }
            current = current.getCause();
        }
        return false;
    }

    /** gRPC reports a connection dropped mid-call as UNKNOWN "channel closed". */
    private static boolean causedByConnectionLoss(Throwable t) {
        Throwable current = t;
        int guard = 0;
        while (current != null && guard++ < 20) {
            if (current instanceof java.io.IOException) {
                return true;
            }
            current = current.getCause();
        }
        return chainText(t).contains("channel closed");
    }

    private static boolean looksLikeTls(String text) {
        String lower = text.toLowerCase();
        return lower.contains("ssl") || lower.contains("certificate") || lower.contains("pkix")
                || lower.contains("handshake") || lower.contains("tls");
    }

    /** Strips the future/completion wrappers that carry no information of their own. */
    public static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * One line: the outermost message and, when different, the innermost cause, because gRPC
     * tends to say "io exception" on top and the useful part (refused, PKIX ...) at the bottom.
     */
    public static String rootCause(Throwable t) {
        Throwable top = unwrap(t);
        Throwable bottom = top;
        int guard = 0;
        while (bottom.getCause() != null && bottom.getCause() != bottom && guard++ < 20) {
            bottom = bottom.getCause();
        }
        String topText = describe(top);
        if (bottom == top) {
            return topText;
        }
        String bottomText = describe(bottom);
        return topText.contains(bottomText) ? topText : topText + " (caused by " + bottomText + ")";
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        if (message != null) {
            // netty appends its handler pipeline to I/O errors: noise for an operator.
            int pipeline = message.indexOf("Channel Pipeline:");
            if (pipeline >= 0) {
                message = message.substring(0, pipeline);
            }
        }
        String text;
        if (message == null || message.isBlank()) {
            text = t.getClass().getSimpleName();
        } else if (t instanceof StatusRuntimeException || t instanceof EtcdException) {
            text = message; // already starts with the status code, e.g. "UNAVAILABLE: io exception"
        } else {
            text = t.getClass().getSimpleName() + ": " + message;
        }
        return text.replaceAll("\\s+", " ").trim();
    }

    private static String chainText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        Throwable current = t;
        int guard = 0;
        while (current != null && guard++ < 20) {
            if (current.getMessage() != null) {
                sb.append(current.getMessage().toLowerCase()).append(' ');
            }
            current = current.getCause();
        }
        return sb.toString();
    }
}
