package dev.tabby.policy.calc;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.EndpointPort;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Something a selector IP set can hold: an endpoint anywhere in the cluster, or a network set. Its effective labels,
 * its networks (addresses as /32 or /128, or a network set's CIDRs; each once) and its named ports.
 */
public record IpSetItem(Map<String, String> labels, List<String> nets, List<EndpointPort> ports) {

    public IpSetItem {
        labels = Map.copyOf(labels);
        nets = List.copyOf(new java.util.LinkedHashSet<>(nets)); // each once: the index counts one contribution per net
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** Key for {@link IpSetIndex}: {@code wep/<ns>/<name>}. */
    public static String key(WorkloadEndpoint w) {
        return "wep/" + w.metadata().namespace() + "/" + w.metadata().name();
    }

    public static String key(HostEndpoint h) {
        return "hep/" + h.metadata().name();
    }

    public static String key(NetworkSet n) {
        return "netset/" + n.metadata().namespace() + "/" + n.metadata().name();
    }

    public static String key(GlobalNetworkSet n) {
        return "gnetset/" + n.metadata().name();
    }

    public static IpSetItem of(WorkloadEndpoint w, Map<String, Profile> profiles) {
        List<String> nets = w.spec() == null || w.spec().ipNetworks() == null ? List.of() : w.spec().ipNetworks();
        return new IpSetItem(EndpointLabels.of(w, profiles), canonical(nets), w.spec() == null ? null : w.spec().ports());
    }

    /** A host endpoint's addresses are its {@code expectedIPs} (felix calc: host endpoint IPs in selector sets). */
    public static IpSetItem of(HostEndpoint h, Map<String, Profile> profiles) {
        List<String> ips = h.spec() == null || h.spec().expectedIPs() == null ? List.of() : h.spec().expectedIPs();
        return new IpSetItem(EndpointLabels.of(h, profiles), canonical(ips), h.spec() == null ? null : h.spec().ports());
    }

    /**
     * libcalico-go networksetprocessor.go: a NetworkSet gets the {@code projectcalico.org/namespace} label and
     * inherits from its namespace's profile {@code kns.<ns>}.
     */
    public static IpSetItem of(NetworkSet n, Map<String, Profile> profiles) {
        Map<String, String> own = new LinkedHashMap<>(n.metadata().labelsOrEmpty());
        own.put(Labels.NAMESPACE, n.metadata().namespace());
        Map<String, String> labels = EndpointLabels.inherit(own,
                List.of(Labels.NAMESPACE_PROFILE_PREFIX + n.metadata().namespace()), profiles);
        return new IpSetItem(labels, canonical(n.spec() == null ? null : n.spec().nets()), null);
    }

    public static IpSetItem of(GlobalNetworkSet n) {
        return new IpSetItem(n.metadata().labelsOrEmpty(), canonical(n.spec() == null ? null : n.spec().nets()), null);
    }

    private static List<String> canonical(List<String> nets) {
        List<String> out = new ArrayList<>();
        if (nets != null) {
            for (String n : nets) {
                out.add(Cidr.parseCidrOrIp(n).network().toString());
            }
        }
        return out;
    }
}
