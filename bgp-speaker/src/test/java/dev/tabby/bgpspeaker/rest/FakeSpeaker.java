package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.speaker.PeerStatus;
import dev.tabby.bgp.speaker.RouteView;
import dev.tabby.bgp.speaker.SpeakerView;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A speaker that answers what a test set and records what it was asked to change. */
public class FakeSpeaker implements SpeakerView {
    public volatile List<PeerStatus> peers = List.of();
    public volatile RuntimeException failure;
    public final Map<AfiSafi, Integer> counts = new EnumMap<>(AfiSafi.class);
    public final List<RouteView> routes = new ArrayList<>();
    public final List<String> asked = new ArrayList<>();
    public final List<Prefix> originated = new ArrayList<>();
    public final List<Prefix> withdrawn = new ArrayList<>();

    @Override
    public List<PeerStatus> peers() {
        if (failure != null) {
            throw failure;
        }
        return peers;
    }

    @Override
    public List<RouteView> routes(AfiSafi family, InetAddress peer) {
        asked.add(family + " " + (peer == null ? "all" : peer.getHostAddress()));
        return routes;
    }

    @Override
    public int routeCount(AfiSafi family) {
        if (failure != null) {
            throw failure;
        }
        return counts.getOrDefault(family, 0);
    }

    @Override
    public void originate(Collection<Prefix> prefixes) {
        originated.addAll(prefixes);
    }

    @Override
    public void withdraw(Collection<Prefix> prefixes) {
        withdrawn.addAll(prefixes);
    }
}
