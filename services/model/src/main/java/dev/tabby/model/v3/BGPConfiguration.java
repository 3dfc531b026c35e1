package dev.tabby.model.v3;

import dev.tabby.model.validation.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Cluster-wide ({@code default}) or per-node ({@code node.<name>}) BGP settings. */
public record BGPConfiguration(ObjectMeta metadata, Spec spec) implements Resource {

    public static final List<String> LOG_SEVERITIES = List.of("Debug", "Info", "Warning", "Error", "Fatal");
    /** Standard (aa:nn) or large (aa:nn:mm) BGP community. */
    private static final Pattern COMMUNITY = Pattern.compile("\\d+:\\d+(:\\d+)?");

    public record Spec(
            String logSeverityScreen,
            Boolean nodeToNodeMeshEnabled,
            AsNumber asNumber,
            List<ServiceIP> serviceLoadBalancerIPs,
            List<ServiceIP> serviceExternalIPs,
            List<ServiceIP> serviceClusterIPs,
            Integer listenPort,
            List<Community> communities,
            List<PrefixAdvertisement> prefixAdvertisements) {
    }

    public record ServiceIP(String cidr) {
    }

    public record Community(String name, String value) {
    }

    public record PrefixAdvertisement(String cidr, List<String> communities) {
    }

    @Override
    public BGPConfiguration withMetadata(ObjectMeta m) {
        return new BGPConfiguration(m, spec);
    }

    /**
     * libcalico-go release-v3.18 lib/validator/v3/validator.go: the spec's tags and validateBGPConfigurationSpec.
     * The fields that only the {@code default} configuration may set are the client's rule (lib/clientv3/bgpconfig.go
     * ValidateDefaultOnlyFields), not checked here.
     */
    @Override
    public BGPConfiguration validated(Problems p) {
        if (spec == null) {
            return this;
        }
        if (spec.logSeverityScreen != null && !spec.logSeverityScreen.isEmpty()
                && !LOG_SEVERITIES.contains(spec.logSeverityScreen)) {
            p.at("logSeverityScreen").error("\"" + spec.logSeverityScreen + "\" is not allowed; allowed: "
                    + String.join(", ", LOG_SEVERITIES) + " (Calico: failed to validate field because of tag: logLevel)");
        }
        if (spec.asNumber != null && spec.asNumber.isReserved()) {
            p.at("asNumber").warn("0 is accepted, as Calico accepts it, but RFC 7607 reserves AS 0: no BGP session can"
                    + " use it");
        }
        // listenPort is a uint16 with omitempty: 0 means "not set", as in Go.
        Integer listenPort = spec.listenPort == null || spec.listenPort == 0 ? null : spec.listenPort;
        if (listenPort != null && (listenPort < 0 || listenPort > 65535)) {
            p.at("listenPort").error(listenPort + " is out of range; allowed: 1..65535 (Calico: cannot unmarshal number "
                    + listenPort + " into a uint16)");
        }
        Set<String> communityNames = new HashSet<>();
        if (spec.communities != null) {
            for (int i = 0; i < spec.communities.size(); i++) {
                Community c = spec.communities.get(i);
                Problems at = p.at("communities").at(i);
                if (c == null) {
                    at.error("is empty; a community needs name and value");
                    continue;
                }
                if (c.name == null || c.name.isEmpty()) {
                    at.at("name").error("is required (Calico: failed to validate field because of tag: required)");
                } else {
                    Check.nameField(at.at("name"), c.name);
                    communityNames.add(c.name);
                }
                if (c.value == null || c.value.isEmpty()) {
                    at.at("value").error("is required (Calico: failed to validate field because of tag: required)");
                } else if (!communityValue(at.at("value"), c.value)) {
                    at.at("value").error("\"" + c.value + "\" is not a BGP community; expected aa:nn or aa:nn:mm"
                            + " (Calico: invalid community value or format used.)");
                }
            }
            if (!spec.communities.isEmpty() && (spec.prefixAdvertisements == null || spec.prefixAdvertisements.isEmpty())) {
                p.at("communities").error("are defined but no prefixAdvertisements use them (Calico: communities are"
                        + " defined but not used in Spec.PrefixAdvertisement[].)");
            }
        }
        List<PrefixAdvertisement> ads = spec.prefixAdvertisements == null ? null : new ArrayList<>();
        if (ads != null) {
            for (int i = 0; i < spec.prefixAdvertisements.size(); i++) {
                PrefixAdvertisement a = spec.prefixAdvertisements.get(i);
                Problems at = p.at("prefixAdvertisements").at(i);
                if (a == null) {
                    at.error("is empty; a prefix advertisement needs cidr and communities");
                    continue;
                }
                if (a.cidr == null || a.cidr.isEmpty()) {
                    at.at("cidr").error("is required (Calico: failed to validate field because of tag: required)");
                } else {
                    Check.maskedNet(at.at("cidr"), a.cidr);
                }
                if (a.communities == null) {
                    at.at("communities").error("is required (Calico: failed to validate field because of tag: required)");
                } else {
                    for (int j = 0; j < a.communities.size(); j++) {
                        String c = a.communities.get(j);
                        Problems cat = at.at("communities").at(j);
                        if (c == null || !(communityValue(cat, c) || communityNames.contains(c))) {
                            cat.error("\"" + c + "\" is neither a community defined in spec.communities nor a community"
                                    + " value like 64512:100 (Calico: community used is invalid or not defined.)");
                        }
                    }
                }
                ads.add(a);
            }
        }
        return new BGPConfiguration(metadata, new Spec(spec.logSeverityScreen, spec.nodeToNodeMeshEnabled,
                spec.asNumber, serviceIps(p.at("serviceLoadBalancerIPs"), spec.serviceLoadBalancerIPs),
                serviceIps(p.at("serviceExternalIPs"), spec.serviceExternalIPs),
                serviceIps(p.at("serviceClusterIPs"), spec.serviceClusterIPs),
                listenPort, spec.communities, ads));
    }

    /** The blocks' cidr is {@code omitempty,net}: a correctly masked CIDR or an address, or empty (then ignored). */
    private static List<ServiceIP> serviceIps(Problems p, List<ServiceIP> ips) {
        if (ips == null) {
            return null;
        }
        for (int i = 0; i < ips.size(); i++) {
            ServiceIP ip = ips.get(i);
            if (ip == null || ip.cidr == null || ip.cidr.isEmpty()) {
                p.at(i).warn("has no cidr: accepted, as Calico accepts it, but it advertises nothing");
                continue;
            }
            Check.maskedNet(p.at(i).at("cidr"), ip.cidr);
        }
        return ips;
    }

    /**
     * validator.go isValidCommunity: false when the value has neither community form; when it has one, each part must
     * fit (16 bits in aa:nn, 32 bits in aa:nn:mm), reported here.
     */
    private static boolean communityValue(Problems p, String value) {
        if (!COMMUNITY.matcher(value).matches()) {
            return false;
        }
        String[] parts = value.split(":");
        int bits = parts.length == 2 ? 16 : 32;
        long max = parts.length == 2 ? 65535 : 4294967295L;
        for (String part : parts) {
            if (part.length() > 10 || Long.parseLong(part) > max) {
                p.error("\"" + value + "\": " + part + " does not fit in " + bits + " bits; expected aa:nn (each 0..65535)"
                        + " or aa:nn:mm (each 0..4294967295) (Calico: invalid community value, expected " + bits
                        + " bit value)");
                break;
            }
        }
        return true;
    }
}
