package dev.tabby.bgpspeaker.config;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.BGPConfiguration;
import dev.tabby.model.v3.BGPPeer;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inputs of confd v3.18's own template tests (github.com/projectcalico/confd, branch release-v3.18,
 * tests/mock_data/calicoctl/&lt;case&gt;/input.yaml and tests/mock_data/etcd/block), whose expected output is
 * tests/compiled_templates/&lt;case&gt;/bird*.cfg rendered for NODENAME kube-master.
 */
final class CalicoTestData {
    private CalicoTestData() {
    }

    /** tests/mock_data/etcd/block: kube-master's block affinities. */
    static List<HostAffinity> kubeMasterBlocks() {
        return List.of(
                affinity("kube-master", "192.168.221.192/26", null),
                affinity("kube-master", "192.168.221.0/26", "pending"),
                affinity("kube-master", "192.168.221.64/26", "confirmed"),
                affinity("kube-master", "10.0.0.0/30", null),
                affinity("kube-master", "10.1.0.0/24", null),
                affinity("kube-master", "10.2.0.1/32", null));
    }

    static HostAffinity affinity(String node, String cidr, String state) {
        return new HostAffinity(node, Cidr.parse(cidr), state, false);
    }

    /** mesh/communities: three nodes, a global listen port and prefix advertisements with communities. */
    static final String MESH_COMMUNITIES = """
            kind: BGPConfiguration
            apiVersion: projectcalico.org/v3
            metadata:
              name: default
            spec:
              logSeverityScreen: Info
              communities:
                - name: bgp-comm-standard
                  value: 100:6532
                - name: bgp-comm-large
                  value: 100:555:107
              prefixAdvertisements:
                - cidr: 192.168.0.0/16
                  communities:
                  - bgp-comm-standard
                  - 5663:12
                  - bgp-comm-large
                - cidr: fd00:96::/112
                  communities:
                  - bgp-comm-large
                  - bgp-comm-large
              listenPort: 177
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-master
            spec:
              bgp:
                ipv4Address: 10.192.0.2/16
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-1
            spec:
              bgp:
                ipv4Address: 10.192.0.3/16
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-2
            spec:
              bgp:
                ipv4Address: 10.192.0.4/16
            ---
            kind: IPPool
            apiVersion: projectcalico.org/v3
            metadata:
              name: ippool-1
            spec:
              cidr: 192.168.0.0/16
              ipipMode: Never
              natOutgoing: true
            """;

    /** explicit_peering/global: mesh off, three global BGPPeers, one with sourceAddress None, one with a port. */
    static final String GLOBAL_PEERS = """
            kind: BGPConfiguration
            apiVersion: projectcalico.org/v3
            metadata:
              name: default
            spec:
              nodeToNodeMeshEnabled: false
              logSeverityScreen: Debug
              asNumber: 64567
              listenPort: 150
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-1
            spec:
              peerIP: 10.192.0.3
              asNumber: 64567
              sourceAddress: None
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-2
            spec:
              peerIP: 10.192.0.4:166
              asNumber: 64567
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-3
            spec:
              peerIP: 10.192.0.4
              asNumber: 64567
            """ + threeNodesAndIpipPool();

    /** explicit_peering/specific_node: mesh off, two BGPPeers for kube-master only. */
    static final String SPECIFIC_NODE = """
            kind: BGPConfiguration
            apiVersion: projectcalico.org/v3
            metadata:
              name: default
            spec:
              nodeToNodeMeshEnabled: false
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-1
            spec:
              peerIP: 10.192.0.3
              asNumber: 64512
              node: kube-master
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-2
            spec:
              peerIP: 10.192.0.4
              asNumber: 64566
              node: kube-master
            """ + threeNodesAndIpipPool();

    /** explicit_peering/route_reflector: kube-master reflects for the other two and peers with external v4/v6 peers. */
    static final String ROUTE_REFLECTOR = """
            kind: BGPConfiguration
            apiVersion: projectcalico.org/v3
            metadata:
              name: default
            spec:
              asNumber: 64532
              nodeToNodeMeshEnabled: false
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-1
            spec:
              peerIP: 172.19.4.87
              asNumber: 64533
              nodeSelector: has(routeReflector)
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-v6
            spec:
              peerIP: "[ac13::57]:50"
              asNumber: 64533
              nodeSelector: has(routeReflector)
            ---
            kind: BGPPeer
            apiVersion: projectcalico.org/v3
            metadata:
              name: bgppeer-other-nodes
            spec:
              nodeSelector: has(routeReflector)
              peerSelector: '!has(routeReflector)'
            ---
            kind: IPPool
            apiVersion: projectcalico.org/v3
            metadata:
              name: ippool-1
            spec:
              cidr: 192.168.0.0/16
              ipipMode: Always
              natOutgoing: true
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-master
              labels:
                routeReflector: "true"  # unquoted in Calico's file; a label value is a string
            spec:
              bgp:
                ipv4Address: 10.192.0.2/16
                ipv6Address: fe0a::2/96
                routeReflectorClusterID: 10.0.0.1
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-1
            spec:
              bgp:
                ipv4Address: 10.192.0.3/16
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-2
            spec:
              bgp:
                ipv4Address: 10.192.0.4/16
            """;

    /** mesh/static-routes: service cluster IPs (v4 and v6) and load balancer IPs, dual-stack nodes. */
    static final String STATIC_ROUTES = """
            kind: BGPConfiguration
            apiVersion: projectcalico.org/v3
            metadata:
              name: default
            spec:
              serviceClusterIPs:
              - cidr: 10.101.0.0/16
              - cidr: fd00:96::/112
              serviceLoadBalancerIPs:
              - cidr: 80.15.0.0/24
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-master
            spec:
              bgp:
                ipv4Address: 10.192.0.2/16
                ipv6Address: fdf5:10::2/112
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-1
            spec:
              bgp:
                ipv4Address: 10.192.0.3/16
                ipv6Address: fdf5:10::3/112
            ---
            kind: Node
            apiVersion: projectcalico.org/v3
            metadata:
              name: kube-node-2
            spec:
              bgp:
                ipv4Address: 10.192.0.4/16
                ipv6Address: fdf5:10::4/112
            ---
            kind: IPPool
            apiVersion: projectcalico.org/v3
            metadata:
              name: ippool-1
            spec:
              cidr: 192.168.0.0/16
              ipipMode: Always
              natOutgoing: true
            """;

    private static String threeNodesAndIpipPool() {
        return """
                ---
                kind: Node
                apiVersion: projectcalico.org/v3
                metadata:
                  name: kube-master
                spec:
                  bgp:
                    ipv4Address: 10.192.0.2/16
                ---
                kind: Node
                apiVersion: projectcalico.org/v3
                metadata:
                  name: kube-node-1
                spec:
                  bgp:
                    ipv4Address: 10.192.0.3/16
                ---
                kind: Node
                apiVersion: projectcalico.org/v3
                metadata:
                  name: kube-node-2
                spec:
                  bgp:
                    ipv4Address: 10.192.0.4/16
                ---
                kind: IPPool
                apiVersion: projectcalico.org/v3
                metadata:
                  name: ippool-1
                spec:
                  cidr: 192.168.0.0/16
                  ipipMode: Always
                  natOutgoing: true
                """;
    }

    static List<Resource> resources(String yaml) {
        return ResourceCodec.read(yaml).resources();
    }

    static DatastoreSnapshot snapshot(String yaml) {
        return snapshot(resources(yaml), List.of(), List.of());
    }

    static DatastoreSnapshot snapshot(List<Resource> resources, List<HostAffinity> affinities,
                                      List<WorkloadEndpoint> workloads) {
        Map<String, BGPConfiguration> configs = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        List<BGPPeer> peers = new ArrayList<>();
        List<IPPool> pools = new ArrayList<>();
        List<WorkloadEndpoint> weps = new ArrayList<>(workloads);
        for (Resource r : resources) {
            if (r instanceof BGPConfiguration c) {
                configs.put(c.name(), c);
            } else if (r instanceof Node n) {
                nodes.add(n);
            } else if (r instanceof BGPPeer p) {
                peers.add(p);
            } else if (r instanceof IPPool p) {
                pools.add(p);
            } else if (r instanceof WorkloadEndpoint w) {
                weps.add(w);
            }
        }
        return new DatastoreSnapshot(configs, nodes, peers, pools, affinities, weps);
    }

    /**
     * A Kubernetes pod's endpoint as Calico's CNI plugin writes it; the name is the one Calico computes
     * (lib/names/workloadendpoint.go: each part's '-' doubled).
     */
    static WorkloadEndpoint workload(String node, String pod, List<String> ipNetworks, List<WorkloadEndpoint.IPNAT> nats) {
        String name = node.replace("-", "--") + "-k8s-" + pod.replace("-", "--") + "-eth0";
        return new WorkloadEndpoint(ObjectMeta.named("default", name), new WorkloadEndpoint.Spec("k8s", null, node,
                "cid-" + pod, pod, "eth0", ipNetworks, nats, null, null, List.of("kns.default"), "cali" + pod, null,
                null));
    }
}
