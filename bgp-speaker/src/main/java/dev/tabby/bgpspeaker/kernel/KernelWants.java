package dev.tabby.bgpspeaker.kernel;

import dev.tabby.model.net.Cidr;
import java.util.List;

/**
 * What the speaker wants in the kernel, from the Loc-RIB and the datastore; the collections are copied.
 *
 * @param bestRoutes   the Loc-RIB's best paths (several for one prefix: a multipath route)
 * @param pools        every IP pool (confd's {@code /v1/ipam/v4/pool})
 * @param nodeSubnets  this node's own subnets: the networks of {@code Node.spec.bgp.ipv4Address} and
 *                     {@code ipv6Address} (confd's {@code /bgp/v1/host/NODE/network_v4}); IP-in-IP CrossSubnet reads the
 *                     IPv4 one
 * @param affineBlocks the IPAM blocks affine to this node, whatever the affinity's state (confd's
 *                     {@code /calico/ipam/v2/host/NODE/ipv4/block} and {@code ipv6/block}, which bird_aggr.cfg.template
 *                     lists for its static blackholes)
 * @param serviceCidrs BGPConfiguration's {@code serviceClusterIPs}, {@code serviceExternalIPs} and
 *                     {@code serviceLoadBalancerIPs} (confd's {@code /rejectcidrs}): nothing inside them is programmed
 */
public record KernelWants(List<BestRoute> bestRoutes, List<PoolFacts> pools, List<Cidr> nodeSubnets,
                          List<Cidr> affineBlocks, List<Cidr> serviceCidrs) {
    public static final KernelWants NOTHING = new KernelWants(List.of(), List.of(), List.of(), List.of(), List.of());

    public KernelWants {
        bestRoutes = List.copyOf(bestRoutes);
        pools = List.copyOf(pools);
        nodeSubnets = nodeSubnets.stream().map(Cidr::network).toList();
        affineBlocks = affineBlocks.stream().map(Cidr::network).toList();
        serviceCidrs = serviceCidrs.stream().map(Cidr::network).toList();
    }
}
