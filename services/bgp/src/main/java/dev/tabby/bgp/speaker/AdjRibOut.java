package dev.tabby.bgp.speaker;

import dev.tabby.bgp.rib.PathAttributes;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.BgpFraming;
import dev.tabby.bgp.wire.Negotiated;
import dev.tabby.bgp.wire.PathAttribute;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.bgp.wire.Update;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adj-RIB-Out of one session (RFC 4271 3.2): what the peer has been told, and the changes not yet sent. Changes
 * are staged as the Loc-RIB changes and sent together, prefixes with the same attributes packed into one UPDATE up
 * to the session's message size, so a burst of 100,000 routes with one path is a few hundred messages.
 */
final class AdjRibOut {
    private static final Object WITHDRAW = new Object();
    /** Room kept for the attribute header growing to extended length, and the NLRI length octets. */
    private static final int SLACK = 8;

    private final Map<Prefix, PathAttributes> sent = new HashMap<>();
    private final Map<Prefix, Object> pending = new LinkedHashMap<>();

    /** The attributes to send {@code prefix} with from now on, or null to withdraw it. */
    void stage(Prefix prefix, PathAttributes attributes) {
        PathAttributes current = sent.get(prefix);
        if (Objects.equals(current, attributes)) {
            pending.remove(prefix);
        } else {
            pending.put(prefix, attributes == null ? WITHDRAW : attributes);
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    int advertised() {
        return sent.size();
    }

    /** The staged changes as UPDATEs, recorded as sent; withdrawals first. */
    List<Update> drain(Negotiated negotiated, boolean ibgp) {
        List<Prefix> withdrawV4 = new ArrayList<>();
        List<Prefix> withdrawV6 = new ArrayList<>();
        Map<PathAttributes, List<Prefix>> announce = new LinkedHashMap<>();
        for (Map.Entry<Prefix, Object> e : pending.entrySet()) {
            Prefix p = e.getKey();
            AfiSafi family = p.ipv4() ? AfiSafi.IPV4_UNICAST : AfiSafi.IPV6_UNICAST;
            if (!negotiated.families().contains(family)) {
                continue;
            }
            if (e.getValue() == WITHDRAW) {
                if (sent.remove(p) != null) {
                    (p.ipv4() ? withdrawV4 : withdrawV6).add(p);
                }
            } else {
                PathAttributes a = (PathAttributes) e.getValue();
                sent.put(p, a);
                announce.computeIfAbsent(a, k -> new ArrayList<>()).add(p);
            }
        }
        pending.clear();
        int max = negotiated.maxMessageLength();
        List<Update> out = new ArrayList<>();
        // 19 header + 2 withdrawn length + 2 attribute length; an IPv4 prefix takes at most 5 octets.
        for (List<Prefix> chunk : chunks(withdrawV4, max - 23)) {
            out.add(Update.of(chunk, List.of(), List.of()));
        }
        // MP_UNREACH_NLRI: 4 octets of attribute header, 3 of AFI/SAFI; an IPv6 prefix takes at most 17 octets.
        for (List<Prefix> chunk : chunks(withdrawV6, max - 23 - 7 - SLACK)) {
            out.add(Update.of(List.of(), List.of(new PathAttribute.MpUnreach(AfiSafi.IPV6_UNICAST, chunk)),
                    List.of()));
        }
        for (Map.Entry<PathAttributes, List<Prefix>> e : announce.entrySet()) {
            List<Prefix> prefixes = e.getValue();
            boolean v4 = prefixes.get(0).ipv4();
            AfiSafi family = v4 ? AfiSafi.IPV4_UNICAST : AfiSafi.IPV6_UNICAST;
            List<PathAttribute> attrs = OutboundAttributes.wire(e.getKey(), family, ibgp);
            if (v4) {
                int room = max - encodedLength(Update.of(List.of(), attrs, List.of()), negotiated) - SLACK;
                for (List<Prefix> chunk : chunks(prefixes, room)) {
                    out.add(Update.of(List.of(), attrs, chunk));
                }
            } else {
                List<PathAttribute> withReach = new ArrayList<>(attrs);
                withReach.add(new PathAttribute.MpReach(family, List.of(e.getKey().nextHop()), List.of()));
                int room = max - encodedLength(Update.of(List.of(), withReach, List.of()), negotiated) - SLACK;
                for (List<Prefix> chunk : chunks(prefixes, room)) {
                    List<PathAttribute> a = new ArrayList<>(attrs);
                    a.add(new PathAttribute.MpReach(family, List.of(e.getKey().nextHop()), chunk));
                    out.add(Update.of(List.of(), a, List.of()));
                }
            }
        }
        return out;
    }

    /** End-of-RIB (RFC 4724 section 2): an empty UPDATE for IPv4, an empty MP_UNREACH_NLRI for the others. */
    static Update endOfRib(AfiSafi family) {
        return family == AfiSafi.IPV4_UNICAST ? Update.of(List.of(), List.of(), List.of())
                : Update.of(List.of(), List.of(new PathAttribute.MpUnreach(family, List.of())), List.of());
    }

    /** The family an UPDATE is the End-of-RIB marker of, or null when it is not one. */
    static AfiSafi endOfRibFamily(Update u) {
        if (!u.withdrawn().isEmpty() || !u.nlri().isEmpty()) {
            return null;
        }
        if (u.attributes().isEmpty()) {
            return AfiSafi.IPV4_UNICAST;
        }
        if (u.attributes().size() == 1 && u.attributes().get(0) instanceof PathAttribute.MpUnreach m
                && m.withdrawn().isEmpty()) {
            return m.family();
        }
        return null;
    }

    private static int encodedLength(Update update, Negotiated negotiated) {
        ByteBuf buf = Unpooled.buffer(256);
        try {
            BgpFraming.encode(update, negotiated, buf);
            return buf.readableBytes();
        } finally {
            buf.release();
        }
    }

    /** Consecutive runs of prefixes whose encoding (a length octet and the significant octets) fits in octets. */
    private static List<List<Prefix>> chunks(List<Prefix> all, int octets) {
        List<List<Prefix>> out = new ArrayList<>();
        int from = 0;
        int used = 0;
        for (int i = 0; i < all.size(); i++) {
            int size = 1 + (all.get(i).length() + 7) / 8;
            if (used + size > octets && i > from) {
                out.add(all.subList(from, i));
                from = i;
                used = 0;
            }
            used += size;
        }
        if (from < all.size()) {
            out.add(all.subList(from, all.size()));
        }
        return out;
    }
}
