package dev.tabby.ipam;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceNotFoundException;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.HostEndpoint;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Deleting a Node as Calico's client does (libcalico-go release-v3.18 lib/clientv3/node.go Delete), so nothing of
 * the node is left behind: the addresses of its WorkloadEndpoints and its tunnel addresses are released, the
 * endpoints deleted, its IPAM affinities released (RemoveIPAMHost), then its BGPPeers, FelixConfiguration and
 * BGPConfiguration {@code node.<name>} and HostEndpoints deleted, and last the Node. Each step tolerates what is
 * gone already, so a deletion that was interrupted can be run again.
 */
public final class NodeRemoval {
    private static final Logger LOG = Logger.getLogger(NodeRemoval.class);

    private final ResourceStore store;
    private final Ipam ipam;

    public NodeRemoval(ResourceStore store, Ipam ipam) {
        this.store = store;
        this.ipam = ipam;
    }

    /** What went with the node, for the operator. */
    public record Removed(Resource node, int addressesReleased, int endpoints, int blocksReleased, List<String> others) {
    }

    /**
     * @param resourceVersion the Node's version the caller read, or null; checked when the Node itself is deleted
     * @throws ResourceNotFoundException when there is no such Node (nothing is touched then)
     */
    public Removed delete(String name, String resourceVersion) {
        ResourceId nodeId = new ResourceId(Kind.NODE, null, name);
        // Read leniently: a Node another writer stored that Tabby would refuse must still be removable.
        Node node = (Node) store.getLenient(nodeId).orElseThrow(() -> new ResourceNotFoundException(nodeId, null)).resource();

        List<WorkloadEndpoint> endpoints = new ArrayList<>();
        List<ReleaseRequest> addresses = new ArrayList<>();
        for (Resource r : store.list(Kind.WORKLOAD_ENDPOINT, null).items()) {
            WorkloadEndpoint w = (WorkloadEndpoint) r;
            if (w.spec() != null && name.equals(w.spec().node())) {
                endpoints.add(w);
                if (w.spec().ipNetworks() != null) {
                    w.spec().ipNetworks().forEach(n -> address(n).ifPresent(a -> addresses.add(ReleaseRequest.of(a))));
                }
            }
        }
        if (node.spec() != null) {
            if (node.spec().bgp() != null) {
                address(node.spec().bgp().ipv4IPIPTunnelAddr()).ifPresent(a -> addresses.add(ReleaseRequest.of(a)));
            }
            address(node.spec().ipv4VXLANTunnelAddr()).ifPresent(a -> addresses.add(ReleaseRequest.of(a)));
            if (node.spec().wireguard() != null) {
                address(node.spec().wireguard().interfaceIPv4Address()).ifPresent(a -> addresses.add(ReleaseRequest.of(a)));
            }
        }
        int released = addresses.isEmpty() ? 0 : ipam.releaseIps(addresses).released().size();

        for (WorkloadEndpoint w : endpoints) {
            deleteIfThere(ResourceId.of(w));
        }
        int blocks = ipam.releaseHostAffinities(name, false).size();

        List<String> others = new ArrayList<>();
        for (Resource r : store.list(Kind.BGP_PEER, null).items()) {
            BGPPeer p = (BGPPeer) r;
            if (p.spec() != null && name.equals(p.spec().node()) && deleteIfThere(ResourceId.of(p))) {
                others.add("BGPPeer " + p.metadata().name());
            }
        }
        for (Kind k : List.of(Kind.FELIX_CONFIGURATION, Kind.BGP_CONFIGURATION)) {
            if (deleteIfThere(new ResourceId(k, null, "node." + name))) {
                others.add(k.kindName() + " node." + name);
            }
        }
        for (Resource r : store.list(Kind.HOST_ENDPOINT, null).items()) {
            HostEndpoint h = (HostEndpoint) r;
            if (h.spec() != null && name.equals(h.spec().node()) && deleteIfThere(ResourceId.of(h))) {
                others.add("HostEndpoint " + h.metadata().name());
            }
        }
        Resource deleted = store.delete(nodeId, resourceVersion);
        LOG.infof("event=node_removed node=%s addresses_released=%d endpoints=%d blocks_released=%d others=\"%s\"", name,
                released, endpoints.size(), blocks, String.join(", ", others));
        return new Removed(deleted, released, endpoints.size(), blocks, List.copyOf(others));
    }

    private boolean deleteIfThere(ResourceId id) {
        try {
            store.delete(id, null);
            return true;
        } catch (ResourceNotFoundException gone) {
            return false;
        }
    }

    /** An address from "10.0.0.5", "10.0.0.5/32" or "10.0.0.5/24"; empty (and a warning) for anything else. */
    private static Optional<IpAddress> address(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Cidr.parseCidrOrIp(text).address());
        } catch (IllegalArgumentException e) {
            LOG.warnf("event=node_removal_address_skipped value=\"%s\" problem=\"%s\"", text, e.getMessage());
            return Optional.empty();
        }
    }
}
