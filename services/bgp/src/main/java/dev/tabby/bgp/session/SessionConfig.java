package dev.tabby.bgp.session;

import dev.tabby.bgp.wire.Capability;
import java.time.Duration;
import java.util.List;

/**
 * One peer's session settings: this speaker's AS, BGP Identifier, proposed Hold Time (seconds, 0 or at least 3) and
 * capabilities, the AS the peer must announce, and the ConnectRetryTime.
 */
public record SessionConfig(long localAs, int bgpIdentifier, int holdTimeSeconds, List<Capability> capabilities,
        long peerAs, Duration connectRetryTime) {
    /** RFC 4271 section 10: suggested ConnectRetryTime. */
    public static final Duration DEFAULT_CONNECT_RETRY = Duration.ofSeconds(120);
    /** RFC 4271 section 10: suggested HoldTime. */
    public static final int DEFAULT_HOLD_TIME = 90;

    public SessionConfig {
        if (holdTimeSeconds == 1 || holdTimeSeconds == 2 || holdTimeSeconds < 0 || holdTimeSeconds > 0xFFFF) {
            throw new IllegalArgumentException("hold time " + holdTimeSeconds
                    + " s is invalid: it must be 0 or 3..65535 (RFC 4271 section 4.2)");
        }
        if (bgpIdentifier == 0) {
            throw new IllegalArgumentException("BGP Identifier 0.0.0.0 is invalid: set a non-zero router id "
                    + "(RFC 6286 section 2.1)");
        }
        if (connectRetryTime.isNegative() || connectRetryTime.isZero()) {
            throw new IllegalArgumentException("ConnectRetryTime " + connectRetryTime + " must be positive");
        }
        capabilities = List.copyOf(capabilities);
    }

    /** The defaults of RFC 4271 section 10: hold 90 s, ConnectRetry 120 s. */
    public static SessionConfig of(long localAs, int bgpIdentifier, long peerAs, List<Capability> capabilities) {
        return new SessionConfig(localAs, bgpIdentifier, DEFAULT_HOLD_TIME, capabilities, peerAs,
                DEFAULT_CONNECT_RETRY);
    }

    boolean internal() {
        return localAs == peerAs;
    }
}
