package dev.tabby.testbed.routers;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * A reference BGP router (BIRD 2, GoBGP or FRR, from Debian's packages) running as a real daemon inside a network
 * namespace, for peering with Tabby's bgp-speaker and with each other. One router per instance; start it once.
 */
public interface Router extends AutoCloseable {
    /** RFC 4271's name of the state a session is in when it carries routes. */
    String ESTABLISHED = "Established";

    RouterKind kind();

    /**
     * Writes the daemon's configuration into {@code workDir} (created if missing; its log goes there too) and starts
     * the daemon inside {@code netns} in the foreground; returns once it answers on its control socket.
     */
    void start(String netns, RouterConfig config, Path workDir);

    /** Announces these prefixes too (IPv4 and IPv6 mixed); ones already announced are left as they are. */
    void announce(Collection<String> prefixes);

    /** Stops announcing these prefixes; ones not announced are ignored. */
    void withdraw(Collection<String> prefixes);

    /** The prefixes this router announces itself, canonical. */
    List<String> announced();

    /** The routes of {@code afi} this router learned from its peers, as its CLI shows them. */
    List<LearnedRoute> routes(Afi afi);

    /**
     * The state of the session with {@code peerAddress} in RFC 4271's words (Idle, Connect, Active, OpenSent,
     * OpenConfirm, Established).
     */
    String sessionState(String peerAddress);

    default boolean established(String peerAddress) {
        return ESTABLISHED.equals(sessionState(peerAddress));
    }

    /**
     * The prefixes of {@code afi} the daemon installed into its namespace's kernel (none unless the configuration
     * asked for {@link RouterConfig#installRoutes()}).
     */
    List<String> kernelRoutes(Afi afi);

    /** The PID of the daemon (FRR: of bgpd). */
    long pid();

    /** SIGTERM to the daemon, SIGKILL after 5 s; idempotent. */
    void stop();

    /** SIGKILL to the daemon, as a crash would end it. */
    void kill9();

    @Override
    default void close() {
        stop();
    }
}
