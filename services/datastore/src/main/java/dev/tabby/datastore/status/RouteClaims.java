package dev.tabby.datastore.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Who programs a node's IP-in-IP routes (the routes on {@code tunl0}, the direct CrossSubnet routes and the blackholes
 * of IP-in-IP pools): bgp-speaker while it holds {@code /tabby/route-claims/<node>} under an etcd lease, else
 * ipip-manager. Calico v3.18 has no such key because only BIRD routes IP-in-IP there; Tabby also routes IP-in-IP
 * without BGP, so the two services must hand the routes over without a moment where both or neither own them
 * (architecture.md, "IP-in-IP routes: who owns them").
 *
 * <p>The value is {@code {"service":"bgp-speaker","kernel":"waiting"}} from the moment the speaker holds the lease,
 * and {@code "programming"} once it has written the kernel after (re)taking the claim. While the claim says waiting,
 * ipip-manager leaves its routes as they are; once it says programming, ipip-manager removes what of its own the
 * speaker did not replace; when the key is gone (a clean stop revokes the lease, a dead speaker's lease expires),
 * ipip-manager replaces whatever is there with its own. Routes are replaced, never deleted and added, so a
 * destination is never without a route.
 */
public final class RouteClaims {
    public static final String PREFIX = "/tabby/route-claims/";
    public static final String WAITING = "waiting";
    public static final String PROGRAMMING = "programming";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RouteClaims() {
    }

    public static String of(String node) {
        return PREFIX + node;
    }

    /** The claim's JSON value. */
    public static String value(String service, String kernel) {
        return "{\"service\":\"" + service + "\",\"kernel\":\"" + kernel + "\"}";
    }

    /**
     * The {@code kernel} state of a claim's value ({@link #WAITING} or {@link #PROGRAMMING}); empty when the value
     * is not a claim this version understands, which the reader treats as {@link #WAITING}: a speaker is there, and
     * removing routes under it would be worse than keeping ours a while.
     */
    public static Optional<String> kernelState(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            String kernel = JSON.readTree(json).path("kernel").asText("");
            return kernel.equals(WAITING) || kernel.equals(PROGRAMMING) ? Optional.of(kernel) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
