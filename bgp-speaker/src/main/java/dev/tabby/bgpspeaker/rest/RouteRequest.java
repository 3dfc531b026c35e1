package dev.tabby.bgpspeaker.rest;

import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The query parameters and bodies of {@code /v1/routes}, checked whole before the speaker is asked anything: a request
 * with one bad part changes nothing. Every refusal is an {@link InvalidRequest} naming the part and the remedy.
 */
final class RouteRequest {
    /** The longest prefix text there is: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128". */
    static final int LONGEST_PREFIX = 49;

    private RouteRequest() {
    }

    /** The family of {@code afi=ipv4|ipv6}. */
    static AfiSafi family(String afi) {
        if (afi == null || afi.isEmpty()) {
            throw new InvalidRequest("afi is missing: add afi=ipv4 or afi=ipv6 to the query");
        }
        return switch (afi) {
            case "ipv4" -> AfiSafi.IPV4_UNICAST;
            case "ipv6" -> AfiSafi.IPV6_UNICAST;
            default -> throw new InvalidRequest("afi \"" + shortened(afi)
                    + "\" is not known: use afi=ipv4 or afi=ipv6");
        };
    }

    /** The word {@link #family} reads for {@code family}. */
    static String afi(AfiSafi family) {
        return family == AfiSafi.IPV4_UNICAST ? "ipv4" : "ipv6";
    }

    /** The {@code peer=} address, null when the query has none (all routes). */
    static InetAddress peer(String peer) {
        if (peer == null) {
            return null;
        }
        try {
            return inet(IpAddress.parse(peer));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("peer \"" + shortened(peer) + "\" is not an IP address: give the peer's address as"
                    + " GET /v1/peers lists it");
        }
    }

    /**
     * The prefixes of a text/plain body, one a line; blank lines are skipped, duplicates kept once, order kept. The
     * first bad line refuses the whole body.
     */
    static List<Prefix> prefixes(String body, AfiSafi family) {
        Set<Prefix> prefixes = new LinkedHashSet<>();
        List<String> lines = body == null ? List.of() : body.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                prefixes.add(prefix(line, i + 1, family));
            }
        }
        if (prefixes.isEmpty()) {
            throw new InvalidRequest("the body holds no prefix: send one prefix a line, e.g. "
                    + (family == AfiSafi.IPV4_UNICAST ? "10.0.0.0/24" : "fd00:1::/64"));
        }
        return new ArrayList<>(prefixes);
    }

    /** Prefixes as the operator reads them back (RFC 5952 for IPv6). */
    static List<String> text(List<Prefix> prefixes) {
        return prefixes.stream().map(p -> new Cidr(IpAddress.of(p.address().getAddress()), p.length()).toString())
                .toList();
    }

    private static Prefix prefix(String line, int number, AfiSafi family) {
        String where = "line " + number + ": ";
        if (line.length() > LONGEST_PREFIX) {
            throw new InvalidRequest(where + "\"" + shortened(line) + "\" is not a prefix: it is " + line.length()
                    + " characters long and no prefix is longer than " + LONGEST_PREFIX);
        }
        Cidr cidr;
        try {
            cidr = Cidr.parse(line);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(where + "\"" + line + "\" is not a prefix (" + e.getMessage()
                    + "): write ADDRESS/LENGTH, e.g. 10.0.0.0/24");
        }
        boolean wantV4 = family == AfiSafi.IPV4_UNICAST;
        if (cidr.isV4() != wantV4) {
            throw new InvalidRequest(where + "\"" + line + "\" is an IPv" + cidr.version() + " prefix but the query"
                    + " says afi=" + afi(family));
        }
        if (!cidr.isCanonical()) {
            // BGP announces the network, not an address in it; guessing which the operator meant would hide a typo.
            throw new InvalidRequest(where + "\"" + line + "\" has host bits set: did you mean " + cidr.network()
                    + "?");
        }
        return new Prefix(inet(cidr.address()), cidr.prefixLength());
    }

    /** The address as the speaker's types hold it; ::ffff:a.b.c.d stays IPv6 (InetAddress would fold it to IPv4). */
    private static InetAddress inet(IpAddress address) {
        try {
            return address.isV4() ? InetAddress.getByAddress(address.bytes())
                    : Inet6Address.getByAddress(null, address.bytes(), -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + address.bytes().length + " bytes was refused", e);
        }
    }

    /** User text echoed in a message, cut short: a megabyte of garbage is not repeated back. */
    private static String shortened(String text) {
        return text.length() <= LONGEST_PREFIX ? text : text.substring(0, LONGEST_PREFIX) + "...";
    }
}
