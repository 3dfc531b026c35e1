package dev.tabby.ctl.node;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.AsNumber;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import dev.tabby.netlink.Netlink;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@code tabbyctl node register} does, step by step, each step saying what it did. */
public final class NodeRegistration {
    /** A node's write races other writers (a service publishing its tunnel address): re-read and retry. */
    private static final int ATTEMPTS = 5;

    public record DefaultPool(String cidr, int blockSize, String ipipMode, String vxlanMode) {
    }

    /**
     * @param netns where to detect addresses: null (what the CLI always passes) is this process's own namespace, as
     *              calico-node detects them on its own host; tests pass a namespace they made
     */
    /**
     * @param clusterType calico-node's {@code CLUSTER_TYPE}: comma-separated types added to ClusterInformation's
     *                    (e.g. {@code k8s,bgp}); null or empty for none
     */
    public record Request(String node, String ip, String ipMethod, String ip6, String ip6Method, String asNumber,
                          Path netns, DefaultPool defaultPool, String clusterType) {
    }

    /** What ClusterInformation records as the version running, as calico-node records its own. */
    static final String CALICO_VERSION = "v3.18.0-tabby";

    private NodeRegistration() {
    }

    /** Registers the node; returns one line per thing done. */
    public static List<String> register(ResourceStore store, Request req) {
        List<String> said = new ArrayList<>();
        String nameProblem = dev.tabby.model.v3.Names.checkResourceName(req.node());
        if (nameProblem != null) {
            throw new IllegalArgumentException("node name \"" + req.node() + "\" " + nameProblem);
        }
        AsNumber asn = req.asNumber() == null ? null : AsNumber.parse(req.asNumber());
        Optional<HostAddress> v4 = address(req.ip(), req.ipMethod(), 4, req.netns());
        Optional<HostAddress> v6 = address(req.ip6(), req.ip6Method(), 6, req.netns());
        if (v4.isEmpty() && v6.isEmpty() && (!req.ip().equals("none") || !req.ip6().equals("none"))) {
            throw new IllegalArgumentException("no address found for node " + req.node() + " (IPv4 " + req.ip() + " by "
                    + req.ipMethod() + "); give one with --ip ADDR/LEN or choose another --ip-autodetection-method");
        }
        refuseTakenAddress(store, req.node(), v4, v6);

        for (int attempt = 1; ; attempt++) {
            ResourceId id = new ResourceId(Kind.NODE, null, req.node());
            Optional<Node> current = store.get(id).map(r -> (Node) r);
            Node wanted = withAddresses(current.orElse(new Node(ObjectMeta.named(req.node()), null, null)), v4, v6, asn);
            try {
                Resource checked = validated(wanted);
                if (current.isPresent()) {
                    store.update(checked);
                    said.add("Node " + req.node() + " updated: " + describe(v4, v6));
                } else {
                    store.create(checked);
                    said.add("Node " + req.node() + " created: " + describe(v4, v6));
                }
                break;
            } catch (ResourceConflictException | ResourceExistsException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
        said.addAll(createDefaultPool(store, req.defaultPool()));
        said.addAll(DefaultConfig.ensure(store, req.node(), CALICO_VERSION, req.clusterType()));
        return said;
    }

    private static Optional<HostAddress> address(String given, String method, int version, Path netns) {
        if (given.equals("none")) {
            return Optional.empty();
        }
        if (!given.equals("autodetect")) {
            Cidr c = given.indexOf('/') < 0 ? Cidr.parseCidrOrIp(given) : Cidr.parse(given);
            if (c.version() != version) {
                throw new IllegalArgumentException("--ip" + (version == 6 ? "6" : "") + " " + given + " is not an IPv" + version + " address");
            }
            return Optional.of(new HostAddress("(given)", c));
        }
        Autodetection detection = Autodetection.parse(method);
        HostInterfaces host;
        try (Netlink nl = netns == null ? Netlink.open() : Netlink.at(netns)) {
            host = HostInterfaces.read(nl);
        }
        Optional<HostAddress> found = detection.choose(host, version);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("IP autodetection (" + detection + ") found no IPv" + version
                    + " address; host addresses: " + (host.addresses().isEmpty() ? "none" : host.addresses()));
        }
        return found;
    }

    private static void refuseTakenAddress(ResourceStore store, String node, Optional<HostAddress> v4, Optional<HostAddress> v6) {
        for (Resource r : store.list(Kind.NODE, null).items()) {
            Node other = (Node) r;
            if (other.name().equals(node) || other.spec() == null || other.spec().bgp() == null) {
                continue;
            }
            for (Optional<HostAddress> mine : List.of(v4, v6)) {
                if (mine.isEmpty()) {
                    continue;
                }
                String ip = mine.get().address().address().toString();
                for (String theirs : new String[] {other.spec().bgp().ipv4Address(), other.spec().bgp().ipv6Address()}) {
                    if (theirs != null && Cidr.parseCidrOrIp(theirs).address().toString().equals(ip)) {
                        throw new IllegalArgumentException("address " + ip + " is already held by node " + other.name()
                                + "; two nodes cannot share an address: fix the address or remove the stale node with "
                                + "'tabbyctl delete node " + other.name() + "'");
                    }
                }
            }
        }
    }

    private static Node withAddresses(Node node, Optional<HostAddress> v4, Optional<HostAddress> v6, AsNumber asn) {
        Node.Spec spec = node.spec() == null ? new Node.Spec(null, null, null, null, null, null) : node.spec();
        Node.BGP bgp = spec.bgp();
        Node.BGP newBgp = new Node.BGP(asn != null ? asn : bgp == null ? null : bgp.asNumber(),
                v4.map(a -> a.address().toString()).orElse(null),
                v6.map(a -> a.address().toString()).orElse(null),
                bgp == null ? null : bgp.ipv4IPIPTunnelAddr(),
                bgp == null ? null : bgp.routeReflectorClusterID());
        Node.Spec newSpec = new Node.Spec(newBgp, spec.ipv4VXLANTunnelAddr(), spec.vxlanTunnelMACAddr(), spec.orchRefs(),
                spec.wireguard(), spec.addresses());
        return new Node(node.metadata(), newSpec, node.status());
    }

    private static String describe(Optional<HostAddress> v4, Optional<HostAddress> v6) {
        List<String> parts = new ArrayList<>();
        v4.ifPresent(a -> parts.add("IPv4 " + a));
        v6.ifPresent(a -> parts.add("IPv6 " + a));
        return String.join(", ", parts);
    }

    private static List<String> createDefaultPool(ResourceStore store, DefaultPool pool) {
        List<String> said = new ArrayList<>();
        if (pool != null && store.list(Kind.IP_POOL, null).items().isEmpty()) {
            IPPool p = new IPPool(ObjectMeta.named("default-ipv4-ippool"), new IPPool.Spec(pool.cidr(), pool.vxlanMode(),
                    pool.ipipMode(), true, false, pool.blockSize(), "all()"));
            createIfAbsent(store, validated(p), said, "IPPool default-ipv4-ippool created: " + pool.cidr()
                    + ", /" + pool.blockSize() + " blocks, ipipMode " + pool.ipipMode() + ", vxlanMode " + pool.vxlanMode()
                    + ", natOutgoing");
        }
        return said;
    }

    /** Another node registering at the same moment may create it first: that is fine. */
    private static void createIfAbsent(ResourceStore store, Resource r, List<String> said, String line) {
        try {
            store.create(r);
            said.add(line);
        } catch (ResourceExistsException e) {
            // created by another node meanwhile
        }
    }

    private static Resource validated(Resource r) {
        Problems problems = new Problems();
        Resource out = ResourceValidator.validate(r, problems);
        if (problems.hasErrors()) {
            throw new ManifestException(problems.errors().stream().map(p -> r.kind().kindName() + " " + r.name() + ": " + p).toList());
        }
        return out;
    }
}
