package dev.tabby.policy.explain;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.GlobalNetworkSet;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.NetworkSet;
import dev.tabby.model.v3.Profile;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.policy.calc.IpSetIndex;
import dev.tabby.policy.calc.IpSetItem;
import dev.tabby.policy.calc.IpSetSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who holds which address, and what the selector IP sets hold: the same {@link IpSetItem}s and {@link IpSetIndex}
 * the renderer fills its {@code cali40s:} / {@code cali40n:} sets from, so a rule's selector matches an address
 * here exactly when the kernel's set contains it.
 */
final class Peers {
    /** One endpoint or network set, as selectors see it. */
    record Holder(String kind, String name, IpSetItem item) {
        String describe() {
            return kind + " " + name;
        }
    }

    private final List<Holder> holders = new ArrayList<>();
    private final IpSetIndex index = new IpSetIndex();

    Peers(Cluster cluster, Map<String, Profile> profiles) {
        for (WorkloadEndpoint w : cluster.workloadEndpoints()) {
            add(IpSetItem.key(w), "WorkloadEndpoint", w.metadata().namespace() + "/" + w.metadata().name(),
                    IpSetItem.of(w, profiles));
        }
        for (HostEndpoint h : cluster.hostEndpoints()) {
            add(IpSetItem.key(h), "HostEndpoint", h.metadata().name(), IpSetItem.of(h, profiles));
        }
        for (NetworkSet n : cluster.networkSets()) {
            add(IpSetItem.key(n), "NetworkSet", n.metadata().namespace() + "/" + n.metadata().name(),
                    IpSetItem.of(n, profiles));
        }
        for (GlobalNetworkSet n : cluster.globalNetworkSets()) {
            add(IpSetItem.key(n), "GlobalNetworkSet", n.metadata().name(), IpSetItem.of(n));
        }
    }

    private void add(String key, String kind, String name, IpSetItem item) {
        holders.add(new Holder(kind, name, item));
        index.putItem(key, item);
    }

    /** Every endpoint or network set one of whose nets contains the address, in the cluster's order. */
    List<Holder> holding(IpAddress ip) {
        List<Holder> out = new ArrayList<>();
        for (Holder h : holders) {
            for (String net : h.item().nets()) {
                if (Cidr.parse(net).contains(ip)) {
                    out.add(h);
                    break;
                }
            }
        }
        return out;
    }

    /** Whether the set {@code spec} renders to holds the address (hash:net: some member net contains it). */
    boolean inSelectorSet(IpSetSpec spec, IpAddress ip) {
        index.addSet(spec);
        for (String member : index.members(spec.id())) {
            if (Cidr.parse(member).contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the named-port set holds {@code ip,proto:port} (hash:ip,port, felix's member syntax). */
    boolean inNamedPortSet(IpSetSpec spec, IpAddress ip, String protocolName, int port) {
        index.addSet(spec);
        Set<String> members = index.members(spec.id());
        return members.contains(ip + "," + protocolName + ":" + port);
    }
}
