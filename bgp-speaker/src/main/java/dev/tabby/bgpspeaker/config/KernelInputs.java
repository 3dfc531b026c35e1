package dev.tabby.bgpspeaker.config;

import dev.tabby.model.net.Cidr;
import java.util.List;

/**
 * What the kernel side of the speaker needs besides the routes it learns, in plain records: the inputs of confd's
 * bird_ipam.cfg.template filter calico_kernel_programming (pools with their encapsulation, this node's subnets for
 * IP-in-IP CrossSubnet, the service CIDRs never programmed from BGP) and of bird_aggr.cfg.template's static protocol
 * (a blackhole per affine block that is not a single address).
 *
 * @param pools        every IP pool, disabled ones included (Calico's v1 pool keys keep them)
 * @param subnets      this node's subnets: Node spec.bgp ipv4Address / ipv6Address as networks (confd's network_v4/v6)
 * @param affineBlocks this node's blocks, in address order
 * @param serviceCidrs BGPConfiguration default's serviceClusterIPs, serviceExternalIPs and serviceLoadBalancerIPs
 *                     (confd's /calico/rejectcidrs: routes inside them are not programmed, even on a node that does
 *                     not advertise them)
 */
public record KernelInputs(List<PoolInfo> pools, List<Cidr> subnets, List<AffineBlock> affineBlocks,
                           List<Cidr> serviceCidrs) {
    public KernelInputs {
        pools = List.copyOf(pools);
        subnets = List.copyOf(subnets);
        affineBlocks = List.copyOf(affineBlocks);
        serviceCidrs = List.copyOf(serviceCidrs);
    }

    /**
     * An IP pool as the kernel filter reads it (libcalico-go updateprocessors/ippoolprocessor.go): ipipMode and
     * vxlanMode as the IPPool spells them ("Always", "CrossSubnet", "Never"; null when unset).
     */
    public record PoolInfo(String name, Cidr cidr, String ipipMode, String vxlanMode, boolean disabled) {
    }

    /**
     * A block affine to this node and its affinity state. bird_aggr.cfg.template blackholes every one whose prefix
     * is shorter than the address length, whatever the state.
     */
    public record AffineBlock(Cidr cidr, String state) {
        public boolean blackholed() {
            return cidr.prefixLength() < cidr.address().bitLength();
        }
    }
}
