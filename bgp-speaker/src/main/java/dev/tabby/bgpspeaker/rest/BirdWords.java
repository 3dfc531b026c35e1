package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.session.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The words BIRD 1.x prints in {@code show protocols} for a BGP protocol, which calicoctl v3.18's {@code node status}
 * splits into its columns (calicoctl/commands/node/status.go, {@code unmarshalBIRD}: state, since, then the info
 * column's first word as the BGP state and the rest as info). tabbyctl joins bgpState and info back into one INFO
 * cell as calicoctl's {@code printPeers} does, so "Active" + "Socket: Connection refused" shows as BIRD shows it.
 */
public final class BirdWords {
    /**
     * BIRD's default {@code timeformat protocol} (projectcalico/bird conf/conf.c, {@code config_alloc}:
     * {@code "%T", "%F", 20*3600}; Calico's bird.cfg does not set one): the time of day for a change less than 20 hours
     * ago, else the date.
     */
    static final Duration TIME_OF_DAY_LIMIT = Duration.ofHours(20);

    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private BirdWords() {
    }

    /**
     * The protocol state column: BIRD's PS_UP is "up" once the session is Established; before that the protocol is
     * in PS_START, printed "start" (proto/bgp/bgp.c, {@code bgp_conn_enter_established_state}).
     */
    static String state(SessionState state) {
        return state == SessionState.ESTABLISHED ? "up" : "start";
    }

    /** The BGP state as bgp.c's {@code bgp_state_names} spells it: "Idle" ... "OpenSent", "Established". */
    public static String bgpState(SessionState state) {
        return switch (state) {
            case IDLE -> "Idle";
            case CONNECT -> "Connect";
            case ACTIVE -> "Active";
            case OPEN_SENT -> "OpenSent";
            case OPEN_CONFIRM -> "OpenConfirm";
            case ESTABLISHED -> "Established";
        };
    }

    /**
     * The rest of the info column: BIRD prints the last error after the state ("Active        Socket: Connection
     * refused") and clears it when the session is established ({@code bgp_conn_enter_established_state} zeroes
     * {@code last_error_class}), so an Established peer has no info.
     */
    static String info(SessionState state, String lastError) {
        if (state == SessionState.ESTABLISHED || lastError == null) {
            return "";
        }
        return lastError.strip();
    }

    /** The since column, in the zone BIRD's {@code localtime} would use; "" when the speaker gave no time. */
    static String since(Instant since, Instant now, ZoneId zone) {
        if (since == null) {
            return "";
        }
        ZonedDateTime at = since.atZone(zone);
        return Duration.between(since, now).compareTo(TIME_OF_DAY_LIMIT) < 0 ? TIME_OF_DAY.format(at) : DATE.format(at);
    }

    /** Whole seconds the session has been Established, null when it is not. */
    static Long uptimeSeconds(SessionState state, Instant since, Instant now) {
        if (state != SessionState.ESTABLISHED || since == null) {
            return null;
        }
        return Math.max(0, Duration.between(since, now).getSeconds());
    }
}
