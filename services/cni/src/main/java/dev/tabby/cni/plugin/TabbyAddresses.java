package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.ipam.AssignedAddress;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.AutoAssignResult;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.IpamException;
import dev.tabby.model.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Addresses from Tabby's IPAM (Calico's etcd layout), in this process: no plugin to execute. */
final class TabbyAddresses implements AddressSource {
    private final Ipam ipam;

    TabbyAddresses(Ipam ipam) {
        this.ipam = ipam;
    }

    @Override
    public Lease acquire(Workload w, NetConf conf, CniEnv env, Supplier<PoolView> poolsSupplier) {
        String handle = w.ipamHandle();
        List<AssignedAddress> held = ipam.addressesOf(handle);
        if (!held.isEmpty()) {
            return lease(held, false);
        }
        NetConf.IpamConf ic = conf.ipam();
        PoolView pools = poolsSupplier.get();
        int num4 = ic.assignIpv4() ? 1 : 0;
        int num6 = ic.assignIpv6() != null ? (ic.assignIpv6() ? 1 : 0) : (pools.servesNode(6) ? 1 : 0);
        if (num4 + num6 == 0) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "ipam.assign_ipv4 is \"false\" and no IPv6 address is to be assigned"
                    + (ic.assignIpv6() == null ? " (no enabled IPv6 pool serves node " + w.node() + ")" : "")
                    + "; the workload would have no address");
        }
        AutoAssignRequest request = new AutoAssignRequest(w.node(), handle, w.ipamAttributes(), num4, num6,
                pools.resolve(ic.ipv4Pools(), 4, "ipv4_pools"), pools.resolve(ic.ipv6Pools(), 6, "ipv6_pools"));
        AutoAssignResult result;
        try {
            result = ipam.autoAssign(request);
        } catch (IpamException e) {
            throw new CniError(CniError.IPAM_FAILURE, "IPAM could not assign " + describe(num4, num6) + " for "
                    + w.endpointName() + ": " + e.getMessage());
        }
        return lease(result.all(), true);
    }

    @Override
    public void release(Workload w, NetConf conf, CniEnv env) {
        ipam.releaseByHandle(w.ipamHandle());
    }

    /** IPv4 first, each as a host prefix and with its block's prefix length. */
    private static Lease lease(List<AssignedAddress> addresses, boolean fresh) {
        List<Cidr> host = new ArrayList<>();
        List<Cidr> inBlock = new ArrayList<>();
        addresses.stream().sorted((a, b) -> Integer.compare(a.address().version(), b.address().version())).forEach(a -> {
            host.add(new Cidr(a.address(), a.address().bitLength()));
            inBlock.add(new Cidr(a.address(), a.block().prefixLength()));
        });
        return new Lease(host, inBlock, fresh);
    }

    private static String describe(int num4, int num6) {
        if (num4 > 0 && num6 > 0) {
            return "an IPv4 and an IPv6 address";
        }
        return num4 > 0 ? "an IPv4 address" : "an IPv6 address";
    }
}
