package dev.tabby.bgpspeaker.config;

import dev.tabby.bgp.config.BgpSettings;
import dev.tabby.bgp.config.IpFamily;
import dev.tabby.bgp.config.NodeInfo;
import dev.tabby.bgp.config.PeerSpec;
import dev.tabby.bgp.config.Session;
import dev.tabby.bgp.config.SessionPlan;
import dev.tabby.bgp.config.SkippedPeer;
import dev.tabby.bgp.speaker.Origination;
import dev.tabby.bgp.speaker.PeerConfig;
import dev.tabby.bgp.wire.AfiSafi;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node's {@link NodeBgpConfig} from a {@link DatastoreSnapshot}: the sessions of {@link SessionPlan} (confd's
 * peerings and bird.cfg.template) as {@link PeerConfig}s, the routes filter calico_export_to_bgp_peers exports
 * ({@link ExportFilter}), and the kernel side's inputs. Pure: no I/O, the same snapshot gives an equal result.
 */
public final class NodeBgpConfigBuilder {
    /** client.go ExcludeServiceAdvertisement: a node with this label "true" advertises no service CIDRs. */
    public static final String EXCLUDE_FROM_LB_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers";

    private final String node;
    private final String routerIdSetting;

    /**
     * @param node            this node's name
     * @param routerIdSetting calico-node's CALICO_ROUTER_ID: null or empty for the node's IPv4 address, "hash" for
     *                        an address hashed from the node name (template_funcs.go hashToIPv4), else the router id
     */
    public NodeBgpConfigBuilder(String node, String routerIdSetting) {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("node name is empty; set TABBY_NODENAME to this node's Calico name");
        }
        this.node = node;
        this.routerIdSetting = routerIdSetting == null ? "" : routerIdSetting.trim();
    }

    public NodeBgpConfigBuilder(String node) {
        this(node, null);
    }

    public NodeBgpConfig build(DatastoreSnapshot s) {
        List<String> warnings = new ArrayList<>();
        Map<String, BGPConfiguration> configs = s.bgpConfigurations();
        BgpSettings settings = ResourceMapping.settings(configs.get(ResourceMapping.DEFAULT_CONFIG));
        ResourceMapping.NodeSettings own = ResourceMapping.nodeSettings(node, configs, warnings);

        List<Node> nodes = s.nodes().stream().sorted(Comparator.comparing(Node::name)).toList();
        List<NodeInfo> infos = new ArrayList<>();
        for (Node n : nodes) {
            BGPConfiguration nodeConfig = configs.get(ResourceMapping.NODE_CONFIG_PREFIX + n.name());
            infos.add(ResourceMapping.nodeInfo(n, nodeConfig, warnings));
        }
        Optional<Node> selfNode = nodes.stream().filter(n -> n.name().equals(node)).findFirst();
        NodeInfo self = infos.stream().filter(i -> i.name().equals(node)).findFirst().orElse(null);

        // Calico iterates BGPPeers in Go map order; sorting by name makes the first of two equal peerings defined.
        List<BGPPeer> bgpPeers = s.peers().stream().sorted(Comparator.comparing(BGPPeer::name)).toList();
        List<PeerSpec> specs = bgpPeers.stream().map(ResourceMapping::peerSpec).toList();
        for (BGPPeer p : bgpPeers) {
            Map<String, String> annotations = p.metadata().annotations();
            if (p.spec() != null && p.spec().password() != null
                    && (annotations == null || !annotations.containsKey(ConfiguredPeer.PASSWORD_FILE_ANNOTATION))) {
                // client.go getPassword reads the secret through Kubernetes; on etcd alone Calico peers without one.
                warnings.add("BGPPeer " + p.name() + ": spec.password names a Kubernetes secret, which a datastore of"
                        + " etcd alone cannot read; its sessions have no password. Put the password in a file and"
                        + " name it in annotation " + ConfiguredPeer.PASSWORD_FILE_ANNOTATION);
            }
        }

        List<ConfiguredPeer> peers = new ArrayList<>();
        List<SkippedPeer> skipped = new ArrayList<>();
        if (self == null) {
            skipped.add(new SkippedPeer("all sessions", "node " + node + " has no Node resource; register it"
                    + " (tabbyctl node register) so it has BGP addresses"));
        } else {
            SessionPlan plan = SessionPlan.forNode(node, settings, infos, specs);
            skipped.addAll(plan.skipped());
            for (Session session : plan.sessions()) {
                try {
                    peers.add(configured(session, bgpPeers, warnings));
                } catch (IllegalArgumentException e) {
                    skipped.add(new SkippedPeer(session.name(), e.getMessage()));
                }
            }
        }

        long localAs = self != null && self.asNumber() != null ? self.asNumber() : settings.asNumber();
        String clusterId = self == null || self.rrClusterId().isEmpty() ? null : self.rrClusterId();
        int listenPort = own.listenPort() != null ? own.listenPort() : NodeBgpConfig.DEFAULT_PORT;
        String routerId = routerId(self);
        if (routerId == null) {
            warnings.add("node " + node + " has no router id: it has no IPv4 address; set CALICO_ROUTER_ID"
                    + " (an IPv4 address, or \"hash\")");
        }

        List<KernelInputs.PoolInfo> pools = pools(s.pools(), warnings);
        List<HostAffinity> ownBlocks = s.affinities().stream().filter(a -> a.node().equals(node))
                .sorted(Comparator.comparing((HostAffinity a) -> a.cidr().version())
                        .thenComparing(a -> a.cidr().address())).toList();
        List<Cidr> serviceCidrs = ResourceMapping.serviceCidrs(configs.get(ResourceMapping.DEFAULT_CONFIG), warnings);
        boolean excluded = selfNode.map(n -> "true".equals(n.metadata().labelsOrEmpty().get(EXCLUDE_FROM_LB_LABEL)))
                .orElse(false);
        List<Origination> originations = ExportFilter.exports(ownBlocks, excluded ? List.of() : serviceCidrs,
                workloadRoutes(s.workloadEndpoints(), warnings),
                pools.stream().map(KernelInputs.PoolInfo::cidr).toList(), own.prefixAdvertisements());

        List<Cidr> subnets = new ArrayList<>();
        selfNode.map(n -> n.spec() == null ? null : n.spec().bgp()).ifPresent(bgp -> {
            Optional.ofNullable(ResourceMapping.subnet(bgp.ipv4Address())).ifPresent(subnets::add);
            Optional.ofNullable(ResourceMapping.subnet(bgp.ipv6Address())).ifPresent(subnets::add);
        });
        KernelInputs kernel = new KernelInputs(pools, subnets,
                ownBlocks.stream().map(a -> new KernelInputs.AffineBlock(a.cidr(), a.state())).toList(), serviceCidrs);
        String v4 = selfNode.map(n -> n.spec() == null || n.spec().bgp() == null ? null
                : ResourceMapping.address(n.spec().bgp().ipv4Address(), "ipv4Address", new ArrayList<>())).orElse(null);
        String v6 = selfNode.map(n -> n.spec() == null || n.spec().bgp() == null ? null
                : ResourceMapping.address(n.spec().bgp().ipv6Address(), "ipv6Address", new ArrayList<>())).orElse(null);
        return new NodeBgpConfig(node, routerId, localAs, clusterId, listenPort, own.logLevel(), peers, skipped,
                originations, kernel, warnings, v4, v6);
    }

    /** A Session as the speaker takes it, with the annotations of the BGPPeer behind it. */
    private static ConfiguredPeer configured(Session session, List<BGPPeer> bgpPeers, List<String> warnings) {
        AfiSafi family = session.family() == IpFamily.V4 ? AfiSafi.IPV4_UNICAST : AfiSafi.IPV6_UNICAST;
        int port = session.port() == null ? NodeBgpConfig.DEFAULT_PORT : session.port();
        PeerConfig config = new PeerConfig(session.name(), inet(session.peerAddress()), port, session.peerAs(),
                session.localAs(), session.passive(), session.routeReflectorClient(), session.keepOriginalNextHop(),
                session.sourceAddress() == null ? null : inet(session.sourceAddress()), Set.of(family),
                PeerConfig.DEFAULT_HOLD_TIME, PeerConfig.DEFAULT_CONNECT_RETRY, null, null, null, true);
        Map<String, String> annotations = bgpPeers.stream().filter(p -> p.name().equals(session.peerName()))
                .findFirst().map(p -> p.metadata().annotations()).orElse(null);
        String passwordFile = annotations == null ? null : annotations.get(ConfiguredPeer.PASSWORD_FILE_ANNOTATION);
        String ttl = annotations == null ? null : annotations.get(ConfiguredPeer.TTL_SECURITY_HOPS_ANNOTATION);
        if (annotations != null) {
            config = TabbyPeerOptions.apply(config, session.peerName(), annotations, warnings);
        }
        return new ConfiguredPeer(config, session.kind(), session.peerName(), passwordFile, ttl);
    }

    private String routerId(NodeInfo self) {
        if (routerIdSetting.equals("hash")) {
            return hashToIpv4(node);
        }
        if (!routerIdSetting.isEmpty()) {
            return routerIdSetting;
        }
        return self == null ? null : self.ipv4();
    }

    /** confd pkg/resource/template/template_funcs.go hashToIPv4: the first four octets of SHA-256(node name). */
    static String hashToIpv4(String nodeName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(nodeName.getBytes(StandardCharsets.UTF_8));
            return (h[0] & 0xFF) + "." + (h[1] & 0xFF) + "." + (h[2] & 0xFF) + "." + (h[3] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static List<KernelInputs.PoolInfo> pools(List<IPPool> pools, List<String> warnings) {
        List<KernelInputs.PoolInfo> out = new ArrayList<>();
        for (IPPool p : pools.stream().sorted(Comparator.comparing(IPPool::name)).toList()) {
            IPPool.Spec spec = p.spec();
            try {
                Cidr cidr = Cidr.parse(spec == null || spec.cidr() == null ? "" : spec.cidr().trim()).network();
                out.add(new KernelInputs.PoolInfo(p.name(), cidr, spec.ipipMode(), spec.vxlanMode(),
                        Boolean.TRUE.equals(spec.disabled())));
            } catch (IllegalArgumentException e) {
                warnings.add("IPPool " + p.name() + ": cidr is unusable (" + e.getMessage() + "); pool ignored");
            }
        }
        return out;
    }

    /**
     * The routes Felix programs for this node's workloads and BIRD learns from the kernel: each ipNetwork, and the
     * /32 (/128) of each ipNAT externalIP (Felix routes a floating IP to its workload too).
     */
    private List<Cidr> workloadRoutes(List<WorkloadEndpoint> endpoints, List<String> warnings) {
        Set<Cidr> out = new LinkedHashSet<>();
        List<WorkloadEndpoint> sorted = endpoints.stream().sorted(Comparator.comparing(
                (WorkloadEndpoint w) -> String.valueOf(w.namespace())).thenComparing(WorkloadEndpoint::name)).toList();
        for (WorkloadEndpoint w : sorted) {
            WorkloadEndpoint.Spec spec = w.spec();
            if (spec == null || !node.equals(spec.node())) {
                continue;
            }
            for (String net : spec.ipNetworks() == null ? List.<String>of() : spec.ipNetworks()) {
                addRoute(out, net, w, warnings);
            }
            List<WorkloadEndpoint.IPNAT> nats = spec.ipNATs() == null ? List.of() : spec.ipNATs();
            for (WorkloadEndpoint.IPNAT nat : nats) {
                if (nat != null && nat.externalIP() != null) {
                    addRoute(out, nat.externalIP(), w, warnings);
                }
            }
        }
        return new ArrayList<>(out);
    }

    private static void addRoute(Set<Cidr> out, String text, WorkloadEndpoint w, List<String> warnings) {
        try {
            out.add(Cidr.parseCidrOrIp(text == null ? "" : text.trim()).network());
        } catch (IllegalArgumentException e) {
            warnings.add("WorkloadEndpoint " + w.namespace() + "/" + w.name() + ": \"" + text
                    + "\" is not an address or CIDR; no route for it");
        }
    }

    private static InetAddress inet(String address) {
        try {
            return InetAddress.getByAddress(IpAddress.parse(address).bytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address " + address + " has neither 4 nor 16 octets", e);
        }
    }
}
