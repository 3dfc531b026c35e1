package dev.tabby.bgp.speaker;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/**
 * What the HTTP surfaces, metrics and health of bgp-speaker (and the standalone speaker) read from and ask of a
 * running speaker. Every method is safe to call from any thread: reads are answered from the speaker's own thread.
 */
public interface SpeakerView {
    /** Every configured peer, in name order. */
    List<PeerStatus> peers();

    /** The Loc-RIB's candidates and local routes of one family; only the routes from {@code peer} when not null. */
    List<RouteView> routes(AfiSafi family, InetAddress peer);

    /** Number of prefixes with a best route in one family. */
    int routeCount(AfiSafi family);

    /** Adds locally originated prefixes (announced to every peer that the export rules allow). */
    void originate(Collection<Prefix> prefixes);

    /** Withdraws locally originated prefixes; those not originated are ignored. */
    void withdraw(Collection<Prefix> prefixes);
}
