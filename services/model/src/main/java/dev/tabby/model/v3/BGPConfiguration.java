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

    @Override
    public BGPConfiguration validated(Problems p) {
        if (spec == null) {
            return this;
        }
        Check.oneOf(p.at("logSeverityScreen"), spec.logSeverityScreen, LOG_SEVERITIES);
        Check.range(p.at("listenPort"), spec.listenPort, 1, 65535);
        Set<String> communityNames = new HashSet<>();
        if (spec.communities != null) {
            for (int i = 0; i < spec.communities.size(); i++) {
                Community c = spec.communities.get(i);
                Problems at = p.at("communities").at(i);
                if (c == null) {
                    at.error("is empty");
                    continue;
                }
                Check.required(at.at("name"), c.name);
                checkCommunityValue(at.at("value"), c.value);
                if (c.name != null && !communityNames.add(c.name)) {
                    at.at("name").error("\"" + c.name + "\" is defined twice");
                }
            }
        }
        List<PrefixAdvertisement> ads = spec.prefixAdvertisements == null ? null : new ArrayList<>();
        if (ads != null) {
            for (int i = 0; i < spec.prefixAdvertisements.size(); i++) {
                PrefixAdvertisement a = spec.prefixAdvertisements.get(i);
                Problems at = p.at("prefixAdvertisements").at(i);
                if (a == null) {
                    at.error("is empty");
                    continue;
                }
                Check.required(at.at("cidr"), a.cidr);
                String cidr = Check.cidr(at.at("cidr"), a.cidr);
                if (a.communities != null) {
                    for (int j = 0; j < a.communities.size(); j++) {
                        String c = a.communities.get(j);
                        if (c == null || !(communityNames.contains(c) || COMMUNITY.matcher(c).matches())) {
                            at.at("communities").at(j).error("\"" + c + "\" is neither a community defined in "
                                    + "spec.communities nor a community value like 64512:100");
                        }
                    }
                }
                ads.add(new PrefixAdvertisement(cidr, a.communities));
            }
        }
        return new BGPConfiguration(metadata, new Spec(spec.logSeverityScreen, spec.nodeToNodeMeshEnabled,
                spec.asNumber, serviceIps(p.at("serviceLoadBalancerIPs"), spec.serviceLoadBalancerIPs),
                serviceIps(p.at("serviceExternalIPs"), spec.serviceExternalIPs),
                serviceIps(p.at("serviceClusterIPs"), spec.serviceClusterIPs),
                spec.listenPort, spec.communities, ads));
    }

    private static List<ServiceIP> serviceIps(Problems p, List<ServiceIP> ips) {
        if (ips == null) {
            return null;
        }
        ArrayList<ServiceIP> out = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            ServiceIP ip = ips.get(i);
            if (ip == null || ip.cidr == null) {
                p.at(i).at("cidr").error("is required");
                continue;
            }
            out.add(new ServiceIP(Check.cidr(p.at(i).at("cidr"), ip.cidr)));
        }
        return out;
    }

    private static void checkCommunityValue(Problems p, String value) {
        if (value == null) {
            p.error("is required");
            return;
        }
        String bad = "\"" + value + "\" is not a BGP community; expected aa:nn (each 0..65535) or aa:nn:mm (each 0..4294967295)";
        if (!COMMUNITY.matcher(value).matches()) {
            p.error(bad);
            return;
        }
        String[] parts = value.split(":");
        long max = parts.length == 2 ? 65535 : 4294967295L;
        for (String part : parts) {
            if (part.length() > 10 || Long.parseLong(part) > max) {
                p.error(bad);
                return;
            }
        }
    }
}
