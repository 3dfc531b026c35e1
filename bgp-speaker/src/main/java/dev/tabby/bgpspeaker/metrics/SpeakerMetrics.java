package dev.tabby.bgpspeaker.metrics;

import dev.tabby.bgp.session.SessionState;
import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgp.speaker.SpeakerView;
import dev.tabby.bgp.wire.AfiSafi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Prometheus meters of the speaker, refreshed from {@link SpeakerView} once a second. Per peer (tag {@code peer}, its
 * address): {@code tabby_bgp_peer_established} (1 or 0), {@code tabby_bgp_peer_prefixes_received},
 * {@code _accepted}, {@code _advertised}, and {@code tabby_bgp_peer_flaps_total} (Established sessions that went
 * down, see {@link SessionFlaps}); a peer's meters go when it is no longer configured. Per family (tag {@code afi},
 * ipv4 or ipv6): {@code tabby_bgp_locrib_routes}, the prefixes with a best route.
 */
@ApplicationScoped
public class SpeakerMetrics {
    private static final Logger LOG = Logger.getLogger(SpeakerMetrics.class);

    @Inject
    SpeakerView speaker;

    @Inject
    MeterRegistry registry;

    private final SessionFlaps flaps = new SessionFlaps();
    private final Map<String, PeerMeters> peers = new LinkedHashMap<>();
    private volatile Map<AfiSafi, Integer> locRib = Map.of();
    private String lastFailure;

    void register(@Observes StartupEvent start) {
        registerLocRib();
        refresh();
    }

    void registerLocRib() {
        for (AfiSafi family : AfiSafi.values()) {
            Gauge.builder("tabby.bgp.locrib.routes", this, m -> m.locRibRoutes(family))
                    .tag("afi", family == AfiSafi.IPV4_UNICAST ? "ipv4" : "ipv6")
                    .description("Prefixes with a best route in the Loc-RIB").register(registry);
        }
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    synchronized void refresh() {
        List<PeerStatus> now;
        Map<AfiSafi, Integer> counts = new EnumMap<>(AfiSafi.class);
        try {
            now = speaker.peers();
            for (AfiSafi family : AfiSafi.values()) {
                counts.put(family, speaker.routeCount(family));
            }
        } catch (RuntimeException e) {
            // Until the speaker runs the meters keep their last values; one line per new reason, not one a second.
            if (!String.valueOf(e.getMessage()).equals(lastFailure)) {
                lastFailure = String.valueOf(e.getMessage());
                LOG.warnf("event=metrics_refresh_failed error=\"%s\"", lastFailure);
            }
            return;
        }
        lastFailure = null;
        locRib = Map.copyOf(counts);
        Set<String> configured = new HashSet<>();
        for (PeerStatus p : now) {
            if (configured.add(p.address())) {
                peers.computeIfAbsent(p.address(), this::meters).status = p;
            }
        }
        for (String flapped : flaps.observe(now)) {
            peers.get(flapped).flaps.increment();
        }
        peers.entrySet().removeIf(e -> {
            if (configured.contains(e.getKey())) {
                return false;
            }
            e.getValue().meters.forEach(registry::remove);
            return true;
        });
    }

    private double locRibRoutes(AfiSafi family) {
        return locRib.getOrDefault(family, 0);
    }

    private PeerMeters meters(String address) {
        PeerMeters m = new PeerMeters();
        m.flaps = Counter.builder("tabby.bgp.peer.flaps").tag("peer", address)
                .description("Established sessions that went down").register(registry);
        m.meters = List.of(
                gauge(m, "tabby.bgp.peer.established", "1 when the session is Established, else 0",
                        s -> s.state() == SessionState.ESTABLISHED ? 1 : 0, address),
                gauge(m, "tabby.bgp.peer.prefixes.received", "Prefixes in the peer's Adj-RIB-In",
                        PeerStatus::received, address),
                gauge(m, "tabby.bgp.peer.prefixes.accepted",
                        "Prefixes received and not refused by loop checks or treat-as-withdraw", PeerStatus::accepted,
                        address),
                gauge(m, "tabby.bgp.peer.prefixes.advertised", "Prefixes in the peer's Adj-RIB-Out",
                        PeerStatus::advertised, address),
                m.flaps);
        return m;
    }

    private Gauge gauge(PeerMeters m, String name, String description, ToDoubleFunction<PeerStatus> value,
            String address) {
        // Strong reference: the registry would otherwise drop the gauge when only it holds the peer's state.
        return Gauge.builder(name, m, pm -> value.applyAsDouble(pm.status)).tag("peer", address)
                .description(description).strongReference(true).register(registry);
    }

    /** One peer's meters and the snapshot they read. */
    private static final class PeerMeters {
        volatile PeerStatus status;
        Counter flaps;
        List<Meter> meters;
    }
}
