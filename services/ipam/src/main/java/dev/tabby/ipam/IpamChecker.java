package dev.tabby.ipam;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Cross-checks IPAM against itself and against the resources that use addresses, as {@code calicoctl ipam check}
 * does. An address is owned when a WorkloadEndpoint lists it in {@code ipNetworks} or a Node carries it as a tunnel
 * address (IP-in-IP, VXLAN or WireGuard). The check reports:
 * <ul>
 *   <li>allocations with no owner (leaked addresses) and owners whose address is not allocated;</li>
 *   <li>allocations whose handle does not exist or does not count them, and handles that count addresses a
 *       block does not hold for them;</li>
 *   <li>blocks and host affinities that name a node with no Node resource.</li>
 * </ul>
 * Everything is read at one etcd revision, so concurrent changes cannot produce false findings within the data.
 */
public final class IpamChecker {
    private final KeyValueStore kv;

    public IpamChecker(KeyValueStore kv) {
        this.kv = kv;
    }

    public IpamReport check() {
        return check(IpamDump.read(kv));
    }

    static IpamReport check(IpamDump dump) {
        List<Finding> findings = new ArrayList<>();
        dump.unreadable().forEach(u -> findings.add(new Finding(Finding.Kind.UNREADABLE, null, null, null, null, u)));

        Set<String> nodes = new HashSet<>();
        Map<IpAddress, String> owners = new LinkedHashMap<>();
        for (Node n : dump.nodes()) {
            nodes.add(n.name());
            tunnelAddresses(n).forEach(ip -> owners.putIfAbsent(ip, "Node(" + n.name() + ")"));
        }
        for (WorkloadEndpoint w : dump.workloads()) {
            if (w.spec() != null && w.spec().ipNetworks() != null) {
                for (String net : w.spec().ipNetworks()) {
                    owners.putIfAbsent(Cidr.parseCidrOrIp(net).address(), "Workload(" + w.namespace() + "/" + w.name() + ")");
                }
            }
        }

        Set<IpAddress> allocated = new HashSet<>();
        Map<String, Map<Cidr, List<IpAddress>>> byHandle = new TreeMap<>();
        Set<String> missingNodeReported = new HashSet<>();
        int allocations = 0;
        for (AllocationBlock b : dump.blocks()) {
            b.host().filter(h -> !nodes.contains(h)).ifPresent(h -> {
                missingNodeReported.add(h + " " + b.cidr());
                findings.add(new Finding(Finding.Kind.AFFINITY_TO_MISSING_NODE, null, b.cidr().toString(), null, h,
                        "block " + b.cidr() + " is affine to node " + h + ", which does not exist"));
            });
            for (int o : b.allocatedOrdinals()) {
                allocations++;
                IpAddress ip = b.addressAt(o);
                allocated.add(ip);
                String handle = b.handleAt(o).orElse(null);
                String node = b.attributeAt(o).map(a -> a.secondaryOrEmpty().get(AutoAssignRequest.ATTRIBUTE_NODE)).orElse(null);
                if (handle != null) {
                    byHandle.computeIfAbsent(handle, h -> new LinkedHashMap<>()).computeIfAbsent(b.cidr(), c -> new ArrayList<>())
                            .add(ip);
                }
                if (!owners.containsKey(ip)) {
                    findings.add(new Finding(Finding.Kind.LEAKED_ADDRESS, ip.toString(), b.cidr().toString(), handle, node,
                            ip + " (block " + b.cidr() + ", handle " + (handle == null ? "none" : handle)
                                    + (node == null ? "" : ", node " + node)
                                    + ") is allocated but no workload endpoint or node uses it"));
                }
            }
        }

        for (Map.Entry<String, Map<Cidr, List<IpAddress>>> e : byHandle.entrySet()) {
            String handle = e.getKey();
            IpamHandle h = dump.handles().get(handle);
            for (Map.Entry<Cidr, List<IpAddress>> inBlock : e.getValue().entrySet()) {
                int counted = h == null ? 0 : h.countIn(inBlock.getKey());
                if (counted >= inBlock.getValue().size()) {
                    continue;
                }
                String why = h == null ? "names handle " + handle + ", which does not exist"
                        : "is held for handle " + handle + ", which counts only " + counted + " of the block's "
                                + inBlock.getValue().size() + " addresses for it";
                for (IpAddress ip : inBlock.getValue()) {
                    findings.add(new Finding(Finding.Kind.ALLOCATION_WITHOUT_HANDLE, ip.toString(), inBlock.getKey().toString(),
                            handle, null, ip + " in block " + inBlock.getKey() + " " + why));
                }
            }
        }
        for (Map.Entry<String, IpamHandle> e : dump.handles().entrySet()) {
            String handle = e.getKey();
            if (e.getValue().isEmpty()) {
                findings.add(new Finding(Finding.Kind.HANDLE_WITHOUT_ALLOCATION, null, null, handle, null,
                        "handle " + handle + " holds no addresses"));
            }
            for (Map.Entry<String, Integer> counted : e.getValue().blocks().entrySet()) {
                Cidr block = Cidr.parse(counted.getKey());
                int held = byHandle.getOrDefault(handle, Map.of()).getOrDefault(block, List.of()).size();
                if (counted.getValue() > held) {
                    boolean exists = dump.blocks().stream().anyMatch(b -> b.cidr().equals(block));
                    findings.add(new Finding(Finding.Kind.HANDLE_WITHOUT_ALLOCATION, null, block.toString(), handle, null,
                            "handle " + handle + " counts " + counted.getValue() + " address(es) in block " + block + ", but "
                                    + (exists ? "the block holds " + held + " for it" : "the block does not exist")));
                }
            }
        }

        for (IpamStore.Affinity a : dump.affinities()) {
            if (!nodes.contains(a.node()) && missingNodeReported.add(a.node() + " " + a.cidr())) {
                findings.add(new Finding(Finding.Kind.AFFINITY_TO_MISSING_NODE, null, a.cidr().toString(), null, a.node(),
                        "host affinity " + a.value().key() + " names node " + a.node() + ", which does not exist"));
            }
        }

        for (Map.Entry<IpAddress, String> o : owners.entrySet()) {
            IpAddress ip = o.getKey();
            if (!allocated.contains(ip) && PoolResolver.containing(dump.pools(), ip).isPresent()) {
                findings.add(new Finding(Finding.Kind.UNALLOCATED_ADDRESS_IN_USE, ip.toString(), null, null, null,
                        ip + " is used by " + o.getValue() + " but is not allocated in IPAM"));
            }
        }
        return new IpamReport(dump.revision(), dump.blocks().size(), allocations, dump.handles().size(), owners.size(),
                findings);
    }

    private static List<IpAddress> tunnelAddresses(Node n) {
        List<IpAddress> out = new ArrayList<>();
        if (n.spec() == null) {
            return out;
        }
        if (n.spec().bgp() != null) {
            addIfSet(out, n.spec().bgp().ipv4IPIPTunnelAddr());
        }
        addIfSet(out, n.spec().ipv4VXLANTunnelAddr());
        if (n.spec().wireguard() != null) {
            addIfSet(out, n.spec().wireguard().interfaceIPv4Address());
        }
        return out;
    }

    private static void addIfSet(List<IpAddress> out, String address) {
        if (address != null && !address.isBlank()) {
            out.add(Cidr.parseCidrOrIp(address).address());
        }
    }
}
