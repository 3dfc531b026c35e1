package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.cni.spec.NetConf;
import dev.tabby.ipam.AddressInUseException;
import dev.tabby.ipam.AddressNotInPoolException;
import dev.tabby.ipam.AffinityConflictException;
import dev.tabby.ipam.AssignedAddress;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.AutoAssignResult;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.IpamException;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Addresses from Tabby's IPAM (Calico's etcd layout), in this process: no plugin to execute. */
final class TabbyAddresses implements AddressSource {
    /** CNI_ARGS key for a requested address, as Calico's IPAM plugin reads it. */
    static final String IP_ARG = "IP";

    private final Ipam ipam;

    TabbyAddresses(Ipam ipam) {
        this.ipam = ipam;
    }

    @Override
    public Lease acquire(Workload w, NetConf conf, CniEnv env, Supplier<PoolView> poolsSupplier) {
        String handle = w.ipamHandle();
        IpAddress requested = requestedIp(env);
        List<AssignedAddress> held = ipam.addressesOf(handle);
        if (requested != null) {
            return assignRequested(w, requested, held);
        }
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

    /**
     * CNI_ARGS {@code IP=a.b.c.d}: that very address, from any pool and even inside another node's block, as Calico's
     * IPAM plugin takes it (cni-plugin release-v3.18 pkg/ipamplugin/ipam_plugin.go: ipamArgs.IP, then
     * IPAM().AssignIP with the handle, the node and the attributes). The allocation's node attribute names this node,
     * which is what routes the borrowed address here. Like Calico's, the result is the address alone (/32, /128).
     */
    private Lease assignRequested(Workload w, IpAddress ip, List<AssignedAddress> held) {
        if (!held.isEmpty()) {
            // A repeated ADD of the same container: the handle already has its address.
            if (held.size() == 1 && held.get(0).address().equals(ip)) {
                return hostPrefixes(held, false);
            }
            throw new CniError(CniError.IPAM_FAILURE, "CNI_ARGS IP=" + ip + " cannot be assigned to " + w.endpointName()
                    + ": its IPAM handle " + w.ipamHandle() + " already holds " + held.stream().map(a -> a.address().toString())
                    .toList() + "; DEL the container first");
        }
        try {
            return hostPrefixes(List.of(ipam.assignIp(ip, w.ipamHandle(), w.ipamAttributes(), w.node())), true);
        } catch (AddressNotInPoolException | AddressInUseException | AffinityConflictException e) {
            throw new CniError(CniError.IPAM_FAILURE, "CNI_ARGS IP=" + ip + " cannot be assigned to " + w.endpointName()
                    + ": " + e.getMessage());
        } catch (IpamException e) {
            throw new CniError(CniError.IPAM_FAILURE, "IPAM could not assign CNI_ARGS IP=" + ip + " to " + w.endpointName()
                    + ": " + e.getMessage());
        }
    }

    /** CNI_ARGS {@code IP}, or null when not given. */
    static IpAddress requestedIp(CniEnv env) {
        String raw = env.args().get(IP_ARG);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return IpAddress.parse(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_ARGS IP=" + raw + " is not an IP address (" + e.getMessage()
                    + "); give one bare IPv4 or IPv6 address, e.g. IP=10.65.0.7");
        }
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

    /** The addresses as host prefixes, in the IPAM result too. */
    private static Lease hostPrefixes(List<AssignedAddress> addresses, boolean fresh) {
        List<Cidr> host = addresses.stream().map(a -> new Cidr(a.address(), a.address().bitLength())).toList();
        return new Lease(host, host, fresh);
    }

    private static String describe(int num4, int num6) {
        if (num4 > 0 && num6 > 0) {
            return "an IPv4 and an IPv6 address";
        }
        return num4 > 0 ? "an IPv4 address" : "an IPv6 address";
    }
}
