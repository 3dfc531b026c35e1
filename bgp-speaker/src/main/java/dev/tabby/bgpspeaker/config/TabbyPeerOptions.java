package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.wire.AfiSafi;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Session options Calico v3.18's BGPPeer has no field for, given as annotations so the manifest stays valid for
 * calicoctl v3.18 (the password file and GTSM hops are read where the configuration is applied):
 * <ul>
 * <li>{@code bgp.tabby.dev/address-families: "ipv4,ipv6"}: the families of the session. Calico runs BIRD and
 * BIRD6 apart, so a session to an IPv4 address carries IPv4 only; a router that takes IPv6 over the same session
 * (MP-BGP, RFC 4760) can have both.</li>
 * <li>{@code bgp.tabby.dev/max-prefixes: "N"}: the session is closed with Cease 1 (RFC 4486) when the peer
 * announces more than N prefixes, as BIRD's "import limit N action disable".</li>
 * </ul>
 * A value that cannot be used is a warning and the option is left at Calico's behaviour.
 */
final class TabbyPeerOptions {
    static final String ADDRESS_FAMILIES = "bgp.tabby.dev/address-families";
    static final String MAX_PREFIXES = "bgp.tabby.dev/max-prefixes";

    private TabbyPeerOptions() {
    }

    static PeerConfig apply(PeerConfig config, String bgpPeer, Map<String, String> annotations, List<String> warnings) {
        Set<AfiSafi> families = config.families();
        String familiesText = annotations.get(ADDRESS_FAMILIES);
        if (familiesText != null) {
            Set<AfiSafi> parsed = EnumSet.noneOf(AfiSafi.class);
            for (String f : familiesText.split(",")) {
                switch (f.trim().toLowerCase(Locale.ROOT)) {
                    case "ipv4" -> parsed.add(AfiSafi.IPV4_UNICAST);
                    case "ipv6" -> parsed.add(AfiSafi.IPV6_UNICAST);
                    default -> {
                        warnings.add("BGPPeer " + bgpPeer + ": annotation " + ADDRESS_FAMILIES + " \"" + familiesText
                                + "\" is not a list of ipv4 and ipv6; the session keeps " + names(families));
                        parsed = null;
                    }
                }
                if (parsed == null) {
                    break;
                }
            }
            if (parsed != null && !parsed.isEmpty()) {
                families = parsed;
            }
        }
        Integer max = config.maxPrefixes();
        String maxText = annotations.get(MAX_PREFIXES);
        if (maxText != null) {
            try {
                max = Integer.valueOf(maxText.trim());
                if (max < 1) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                warnings.add("BGPPeer " + bgpPeer + ": annotation " + MAX_PREFIXES + " \"" + maxText
                        + "\" is not a number from 1 to 2147483647; the session has no prefix limit");
                max = null;
            }
        }
        return new PeerConfig(config.name(), config.address(), config.port(), config.peerAs(), config.localAs(),
                config.passive(), config.routeReflectorClient(), config.keepOriginalNextHop(),
                config.sourceAddress(), families, config.holdTimeSeconds(), config.connectRetry(), config.password(),
                config.ttlSecurityHops(), max, config.gracefulRestart());
    }

    private static String names(Set<AfiSafi> families) {
        return families.contains(AfiSafi.IPV6_UNICAST) && families.size() == 1 ? "ipv6" : "ipv4";
    }
}
