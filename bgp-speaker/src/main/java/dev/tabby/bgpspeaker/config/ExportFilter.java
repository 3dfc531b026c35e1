package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.speaker.Origination;
import dev.tabby.bgp.wire.PathAttribute.LargeCommunity;
import dev.tabby.bgp.wire.Prefix;
import dev.tabby.model.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes a node exports to its peers, decided as BIRD's filter calico_export_to_bgp_peers decides them
 * (confd templates bird_ipam.cfg.template, bird_aggr.cfg.template, bird.cfg.template apply_communities(), and their
 * bird6 twins). The candidate routes are the ones BIRD holds on a Calico node:
 * <ul>
 * <li>a blackhole per affine block that is not a single address (bird_aggr's protocol static);</li>
 * <li>a blackhole per service CIDR (client.go's /calico/staticroutes), unless the node opts out;</li>
 * <li>each local workload's route, which BIRD learns from the kernel where Felix put it
 * ("protocol kernel { learn; }").</li>
 * </ul>
 * Each candidate then runs the filter in its order: communities first; calico_aggr() accepts a confirmed block itself
 * and rejects anything inside one; a route inside a service CIDR is accepted; a route inside any IP pool (disabled
 * ones too: confd's /v1/ipam/v4/pool keys keep them) is accepted; the rest is rejected. So a borrowed workload
 * address (in a pool, outside this node's confirmed blocks) goes out as its /32 (/128), a workload address inside a
 * confirmed block does not, and a service CIDR goes out whether or not a pool holds it.
 */
final class ExportFilter {
    private ExportFilter() {
    }

    static List<Origination> exports(List<HostAffinity> ownBlocks, List<Cidr> serviceRoutes, List<Cidr> workloadRoutes,
                                     List<Cidr> pools, List<PrefixCommunities> advertisements) {
        Set<Cidr> candidates = new LinkedHashSet<>();
        for (HostAffinity a : ownBlocks) {
            if (a.cidr().prefixLength() < a.cidr().address().bitLength()) {
                candidates.add(a.cidr());
            }
        }
        candidates.addAll(serviceRoutes);
        candidates.addAll(workloadRoutes);
        List<HostAffinity> confirmed = ownBlocks.stream().filter(HostAffinity::confirmed)
                .sorted(Comparator.comparing(a -> a.cidr().address())).toList();
        return candidates.stream().sorted(ExportFilter::byAddress)
                .filter(route -> accepted(route, confirmed, serviceRoutes, pools))
                .map(route -> origination(route, advertisements)).toList();
    }

    private static boolean accepted(Cidr route, List<HostAffinity> confirmed, List<Cidr> serviceRoutes,
                                    List<Cidr> pools) {
        for (HostAffinity block : confirmed) { // calico_aggr()
            if (block.cidr().equals(route)) {
                return true;
            }
            if (block.cidr().covers(route)) {
                return false;
            }
        }
        return serviceRoutes.stream().anyMatch(s -> s.covers(route)) || pools.stream().anyMatch(p -> p.covers(route));
    }

    /** apply_communities(): every prefixAdvertisement whose cidr holds the route adds its communities. */
    private static Origination origination(Cidr route, List<PrefixCommunities> advertisements) {
        Set<Long> standard = new LinkedHashSet<>();
        Set<LargeCommunity> large = new LinkedHashSet<>();
        for (PrefixCommunities ad : advertisements) {
            if (ad.cidr().covers(route)) {
                standard.addAll(ad.communities());
                large.addAll(ad.largeCommunities());
            }
        }
        return new Origination(prefix(route), new ArrayList<>(standard), new ArrayList<>(large));
    }

    static Prefix prefix(Cidr c) {
        try {
            return new Prefix(InetAddress.getByAddress(c.address().bytes()), c.prefixLength());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("CIDR " + c + " has no address of 4 or 16 octets", e);
        }
    }

    /** IPv4 before IPv6, then by address and length. */
    private static int byAddress(Cidr a, Cidr b) {
        int c = Integer.compare(a.version(), b.version());
        if (c != 0) {
            return c;
        }
        c = a.address().compareTo(b.address());
        return c != 0 ? c : Integer.compare(a.prefixLength(), b.prefixLength());
    }
}
