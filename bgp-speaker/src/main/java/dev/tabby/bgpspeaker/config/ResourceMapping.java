package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.config.BgpSettings;
import dev.tabby.bgp.config.NodeInfo;
import dev.tabby.bgp.config.PeerSpec;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Calico v3 resources to the records of services/bgp, as confd v3.18 turns them into its v1 keys
 * (confd pkg/backends/calico/client.go updateBGPConfigCache, libcalico-go
 * lib/backend/syncersv1/updateprocessors/bgpnodeprocessor.go). Of a BGPConfiguration {@code node.<name>}, confd reads
 * only prefixAdvertisements (with that resource's own communities), listenPort and logSeverityScreen; asNumber,
 * nodeToNodeMeshEnabled and the service IPs come from {@code default} alone.
 */
public final class ResourceMapping {
    public static final String DEFAULT_CONFIG = "default";
    public static final String NODE_CONFIG_PREFIX = "node.";

    private static final Pattern STANDARD = Pattern.compile("(\\d+):(\\d+)");
    private static final Pattern LARGE = Pattern.compile("(\\d+):(\\d+):(\\d+)");

    private ResourceMapping() {
    }

    /** What of a node's BGP settings confd lets a {@code node.<name>} configuration override. */
    public record NodeSettings(Integer listenPort, String logLevel, List<PrefixCommunities> prefixAdvertisements) {
    }

    /** BGPConfiguration default to the settings that decide sessions; null (none stored) gives Calico's defaults. */
    public static BgpSettings settings(BGPConfiguration global) {
        BGPConfiguration.Spec spec = global == null ? null : global.spec();
        if (spec == null) {
            return BgpSettings.defaults();
        }
        long as = spec.asNumber() == null ? BgpSettings.DEFAULT_AS : spec.asNumber().value();
        boolean mesh = spec.nodeToNodeMeshEnabled() == null || spec.nodeToNodeMeshEnabled();
        return new BgpSettings(as, mesh, port(spec.listenPort()));
    }

    /**
     * A Node as confd sees it: addresses without their prefix length; an address that does not parse counts as unset
     * (bgpnodeprocessor.go: "treat as if unassigned"), reported in {@code warnings}. {@code nodeConfig} is the
     * node's {@code node.<name>} BGPConfiguration (its listenPort), or null.
     */
    public static NodeInfo nodeInfo(Node node, BGPConfiguration nodeConfig, List<String> warnings) {
        Node.BGP bgp = node.spec() == null ? null : node.spec().bgp();
        String ipv4 = null;
        String ipv6 = null;
        Long as = null;
        String rr = null;
        if (bgp != null) {
            ipv4 = address(bgp.ipv4Address(), "Node " + node.name() + " spec.bgp.ipv4Address", warnings);
            ipv6 = address(bgp.ipv6Address(), "Node " + node.name() + " spec.bgp.ipv6Address", warnings);
            as = bgp.asNumber() == null ? null : bgp.asNumber().value();
            rr = bgp.routeReflectorClusterID();
        }
        Integer listenPort = nodeConfig == null || nodeConfig.spec() == null ? null
                : port(nodeConfig.spec().listenPort());
        return new NodeInfo(node.name(), ipv4, ipv6, as, node.metadata().labelsOrEmpty(), rr, listenPort);
    }

    /** The subnet of a Node address with prefix length ("10.0.0.5/24" is 10.0.0.0/24): confd's network_v4/v6. */
    public static Cidr subnet(String addressWithPrefix) {
        if (addressWithPrefix == null || addressWithPrefix.isBlank()) {
            return null;
        }
        try {
            return Cidr.parseCidrOrIp(addressWithPrefix.trim()).network();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static PeerSpec peerSpec(BGPPeer peer) {
        BGPPeer.Spec s = peer.spec();
        if (s == null) {
            return new PeerSpec(peer.name(), null, null, null, null, null, false, null);
        }
        return new PeerSpec(peer.name(), s.node(), s.nodeSelector(), s.peerIP(),
                s.asNumber() == null ? null : s.asNumber().value(), s.peerSelector(),
                Boolean.TRUE.equals(s.keepOriginalNextHop()), s.sourceAddress());
    }

    /**
     * This node's listen port, BIRD log level and prefix advertisements: {@code node.<name>}'s where it sets them,
     * else {@code default}'s (bird.cfg.template: the /host/&lt;node&gt;/ key when it exists, else the /global/ one).
     */
    public static NodeSettings nodeSettings(String node, Map<String, BGPConfiguration> configs, List<String> warnings) {
        BGPConfiguration.Spec global = spec(configs.get(DEFAULT_CONFIG));
        BGPConfiguration.Spec own = spec(configs.get(NODE_CONFIG_PREFIX + node));
        Integer listenPort = own != null && port(own.listenPort()) != null ? port(own.listenPort())
                : global == null ? null : port(global.listenPort());
        String logLevel = own != null && logLevel(own) != null ? logLevel(own)
                : global != null && logLevel(global) != null ? logLevel(global) : "info";
        // client.go getPrefixAdvertisementsKVPair: a non-nil list, even an empty one, makes the node's key exist.
        BGPConfiguration.Spec adsFrom = own != null && own.prefixAdvertisements() != null ? own : global;
        String adsName = adsFrom == own ? NODE_CONFIG_PREFIX + node : DEFAULT_CONFIG;
        return new NodeSettings(listenPort, logLevel, prefixAdvertisements(adsName, adsFrom, warnings));
    }

    /**
     * BGPConfiguration default's serviceClusterIPs, serviceExternalIPs and serviceLoadBalancerIPs, in that order
     * (client.go onClusterIPsUpdate / onExternalIPsUpdate / onLoadBalancerIPsUpdate all feed /calico/staticroutes).
     */
    public static List<Cidr> serviceCidrs(BGPConfiguration global, List<String> warnings) {
        BGPConfiguration.Spec spec = spec(global);
        List<Cidr> out = new ArrayList<>();
        if (spec == null) {
            return out;
        }
        for (List<BGPConfiguration.ServiceIP> ips : List.of(nullToEmpty(spec.serviceClusterIPs()),
                nullToEmpty(spec.serviceExternalIPs()), nullToEmpty(spec.serviceLoadBalancerIPs()))) {
            for (BGPConfiguration.ServiceIP ip : ips) {
                if (ip == null || ip.cidr() == null || ip.cidr().isBlank()) {
                    continue;
                }
                try {
                    Cidr c = Cidr.parseCidrOrIp(ip.cidr().trim()).network();
                    if (!out.contains(c)) {
                        out.add(c);
                    }
                } catch (IllegalArgumentException e) {
                    warnings.add("BGPConfiguration default: service CIDR \"" + ip.cidr()
                            + "\" is not a CIDR; not advertised");
                }
            }
        }
        return out;
    }

    /**
     * client.go getPrefixAdvertisementsKVPair: each community is a value (aa:nn or aa:nn:mm) or the name of one in
     * the same resource's communities (an unknown name is dropped, as Calico drops it); the set is sorted as strings.
     */
    static List<PrefixCommunities> prefixAdvertisements(String configName, BGPConfiguration.Spec spec,
                                                        List<String> warnings) {
        List<PrefixCommunities> out = new ArrayList<>();
        if (spec == null || spec.prefixAdvertisements() == null) {
            return out;
        }
        List<BGPConfiguration.Community> defined = nullToEmpty(spec.communities());
        for (BGPConfiguration.PrefixAdvertisement ad : spec.prefixAdvertisements()) {
            if (ad == null || ad.cidr() == null) {
                continue;
            }
            Cidr cidr;
            try {
                cidr = Cidr.parseCidrOrIp(ad.cidr().trim());
            } catch (IllegalArgumentException e) {
                warnings.add("BGPConfiguration " + configName + ": prefixAdvertisement cidr \"" + ad.cidr()
                        + "\" is not a CIDR; its communities are not applied");
                continue;
            }
            TreeSet<String> values = new TreeSet<>();
            for (String c : nullToEmpty(ad.communities())) {
                if (c == null) {
                    continue;
                }
                if (STANDARD.matcher(c).matches() || LARGE.matcher(c).matches()) {
                    values.add(c);
                } else {
                    defined.stream().filter(d -> d != null && c.equals(d.name())).findFirst()
                            .ifPresent(d -> values.add(d.value()));
                }
            }
            List<Long> standard = new ArrayList<>();
            List<LargeCommunity> large = new ArrayList<>();
            for (String v : values) {
                if (!addCommunity(v, standard, large)) {
                    warnings.add("BGPConfiguration " + configName + ": community \"" + v + "\" for " + ad.cidr()
                            + " is not aa:nn (16-bit parts) or aa:nn:mm (32-bit parts); left out");
                }
            }
            out.add(new PrefixCommunities(cidr, standard, large));
        }
        return out;
    }

    private static boolean addCommunity(String value, List<Long> standard, List<LargeCommunity> large) {
        var s = STANDARD.matcher(value);
        if (s.matches()) {
            Long hi = parse(s.group(1), 0xFFFF);
            Long lo = parse(s.group(2), 0xFFFF);
            if (hi == null || lo == null) {
                return false;
            }
            standard.add(hi << 16 | lo);
            return true;
        }
        var l = LARGE.matcher(value);
        if (l.matches()) {
            Long a = parse(l.group(1), 0xFFFFFFFFL);
            Long b = parse(l.group(2), 0xFFFFFFFFL);
            Long c = parse(l.group(3), 0xFFFFFFFFL);
            if (a == null || b == null || c == null) {
                return false;
            }
            large.add(new LargeCommunity(a, b, c));
            return true;
        }
        return false;
    }

    private static Long parse(String digits, long max) {
        if (digits.length() > 10) {
            return null;
        }
        long v = Long.parseLong(digits);
        return v <= max ? v : null;
    }

    /** client.go getLogSeverityKVPair: Debug and Info stay, every other severity turns BIRD's logging off. */
    private static String logLevel(BGPConfiguration.Spec spec) {
        String s = spec.logSeverityScreen();
        if (s == null || s.isEmpty()) {
            return null;
        }
        String l = s.toLowerCase(Locale.ROOT);
        return l.equals("debug") || l.equals("info") ? l : "none";
    }

    /** "10.0.0.5/24" to "10.0.0.5"; null when blank or not an address (then a warning). */
    static String address(String addressWithPrefix, String what, List<String> warnings) {
        if (addressWithPrefix == null || addressWithPrefix.isBlank()) {
            return null;
        }
        String text = addressWithPrefix.trim();
        int slash = text.indexOf('/');
        try {
            if (slash >= 0) {
                Cidr.parse(text);
            }
            return IpAddress.parse(slash >= 0 ? text.substring(0, slash) : text).toString();
        } catch (IllegalArgumentException e) {
            warnings.add(what + " \"" + addressWithPrefix + "\" is not an address; treated as unset, as confd does");
            return null;
        }
    }

    /** listenPort is a uint16 with omitempty: 0 is "not set". */
    private static Integer port(Integer p) {
        return p == null || p == 0 ? null : p;
    }

    private static BGPConfiguration.Spec spec(BGPConfiguration c) {
        return c == null ? null : c.spec();
    }

    private static <T> List<T> nullToEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
