package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.ObjectMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tabbyctl get KIND} and {@code -o wide} for every kind, line by line against what calicoctl v3.18 prints.
 * The expected tables are derived from calicoctl's source: the headings and the Go template of each column in
 * calicoctl/resourcemgr/&lt;kind&gt;.go, and the layout of calicoctl/commands/common/printer.go (Go's
 * text/tabwriter with minwidth 5, padding 3, pad ' ': every cell, the last too, padded to its column's widest cell
 * plus 3; an empty line after each table). A '|' below marks the end of a line, so trailing spaces show.
 *
 * <p>The expected lines were checked against Go itself: calicoctl's column templates run through Go 1.19's
 * text/template into text/tabwriter.NewWriter(out, 5, 1, 3, ' ', 0) over the same values.
 */
class GetTablesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
    }

    /** The lines, each ended at its '|', as one text with a newline after each. */
    static String lines(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.endsWith("|") ? l.substring(0, l.length() - 1) : l).append('\n');
        }
        return b.toString();
    }

    /** Compares line by line, naming the first line that differs (with its trailing spaces made visible). */
    static void assertLines(String expected, Tabbyctl.Result actual) {
        assertEquals(0, actual.exitCode(), actual::toString);
        List<String> want = expected.lines().toList();
        List<String> got = actual.out().lines().toList();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) + "|" : "(no line)";
            String g = i < got.size() ? got.get(i) + "|" : "(no line)";
            assertEquals(w, g, "line " + (i + 1) + " of\n" + actual.out());
        }
        assertEquals(expected, actual.out(), "the same lines, and the same line ends");
    }

    private void apply(String yaml) throws IOException {
        Path f = Files.writeString(dir.resolve("m" + System.nanoTime() + ".yaml"), yaml);
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void ipPools() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: pool-a}
                spec: {cidr: 10.1.0.0/16, vxlanMode: Always, natOutgoing: true}
                ---
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: pool-b}
                spec: {cidr: 10.2.0.0/24, ipipMode: CrossSubnet, disabled: true, nodeSelector: "zone == 'a'"}
                """);
        // resourcemgr/ippool.go: NAME CIDR SELECTOR; wide adds NAT IPIPMODE VXLANMODE DISABLED.
        assertLines(lines(
                "NAME     CIDR          SELECTOR      |",
                "pool-a   10.1.0.0/16   all()         |",
                "pool-b   10.2.0.0/24   zone == 'a'   |",
                ""), ctl.run("get", "ippools"));
        assertLines(lines(
                "NAME     CIDR          NAT     IPIPMODE      VXLANMODE   DISABLED   SELECTOR      |",
                "pool-a   10.1.0.0/16   true    Never         Always      false      all()         |",
                "pool-b   10.2.0.0/24   false   CrossSubnet   Never       true       zone == 'a'   |",
                ""), ctl.run("get", "ippools", "-o", "wide"));
    }

    @Test
    void nodesShowTheClusterAsWhenTheirOwnIsUnset() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: node-1}
                spec: {bgp: {asNumber: 65001, ipv4Address: 10.0.0.1/24}}
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: node-2}
                spec: {bgp: {ipv4Address: 10.0.0.2/24, ipv6Address: "fd00::2/64"}}
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: node-3}
                spec: {}
                """);
        // resourcemgr/node.go: NAME only; wide adds ASN IPV4 IPV6. ASN: the node's own, else "(" + config
        // "asnumber" + ")" (printer.go: BGPConfiguration default's, 64512 when there is none); blank without BGP.
        assertLines(lines(
                "NAME     |",
                "node-1   |",
                "node-2   |",
                "node-3   |",
                ""), ctl.run("get", "nodes"));
        assertLines(lines(
                "NAME     ASN       IPV4          IPV6         |",
                "node-1   65001     10.0.0.1/24                |",
                "node-2   (64512)   10.0.0.2/24   fd00::2/64   |",
                "node-3                                        |",
                ""), ctl.run("get", "nodes", "-o", "wide"));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: default}
                spec: {asNumber: 64999}
                """);
        assertLines(lines(
                "NAME     ASN       IPV4          IPV6         |",
                "node-1   65001     10.0.0.1/24                |",
                "node-2   (64999)   10.0.0.2/24   fd00::2/64   |",
                "node-3                                        |",
                ""), ctl.run("get", "nodes", "-o", "wide"));
    }

    @Test
    void bgpConfigurationsAndPeers() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: default}
                spec: {logSeverityScreen: Info, nodeToNodeMeshEnabled: false, asNumber: 63400}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPConfiguration
                metadata: {name: node.node-1}
                spec: {logSeverityScreen: Debug}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: peer-global}
                spec: {peerIP: 192.0.2.1, asNumber: 64600}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: peer-node}
                spec: {node: node-1, peerIP: 192.0.2.2, asNumber: 64601}
                ---
                apiVersion: projectcalico.org/v3
                kind: BGPPeer
                metadata: {name: peer-rack}
                spec: {nodeSelector: "rack == 'r1'", peerSelector: "rr == 'true'"}
                """);
        // resourcemgr/bgpconfig.go: "-" for an unset mesh switch or AS number; the same columns when wide.
        String configs = lines(
                "NAME          LOGSEVERITY   MESHENABLED   ASNUMBER   |",
                "default       Info          false         63400      |",
                "node.node-1   Debug         -             -          |",
                "");
        assertLines(configs, ctl.run("get", "bgpconfigurations"));
        assertLines(configs, ctl.run("get", "bgpconfig", "-o", "wide"));
        // resourcemgr/bgppeer.go: NODE is the node, else the node selector, else (global); ASN is not a pointer in
        // Go, so a peer by peerSelector shows 0.
        String peers = lines(
                "NAME          PEERIP      NODE           ASN     |",
                "peer-global   192.0.2.1   (global)       64600   |",
                "peer-node     192.0.2.2   node-1         64601   |",
                "peer-rack                 rack == 'r1'   0       |",
                "");
        assertLines(peers, ctl.run("get", "bgppeers"));
        assertLines(peers, ctl.run("get", "bgpp", "-o", "wide"));
    }

    @Test
    void policiesAndSets() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: deny-all}
                spec: {order: 1000000, selector: all()}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: no-order}
                spec: {selector: "role == 'db'"}
                ---
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata: {name: web, namespace: shop}
                spec: {order: 10.5, selector: "app == 'web'"}
                ---
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkSet
                metadata: {name: many}
                spec:
                  nets: [10.10.1.0/24, 10.10.2.0/24, 10.10.3.0/24, 10.10.4.0/24, 10.10.5.0/24, 10.10.6.0/24, 10.10.7.0/24]
                ---
                apiVersion: projectcalico.org/v3
                kind: NetworkSet
                metadata: {name: few, namespace: shop}
                spec: {nets: [192.0.2.0/28]}
                """);
        // resourcemgr/globalnetworkpolicy.go: ORDER is a *float64 printed with %v (1e+06; <nil> when unset).
        assertLines(lines("NAME       |", "deny-all   |", "no-order   |", ""), ctl.run("get", "gnp"));
        assertLines(lines(
                "NAME       ORDER   SELECTOR       |",
                "deny-all   1e+06   all()          |",
                "no-order   <nil>   role == 'db'   |",
                ""), ctl.run("get", "gnp", "-o", "wide"));
        // resourcemgr/networkpolicy.go; -n (like -A) puts NAMESPACE first (get.go printNamespace).
        assertLines(lines("NAME   |", ""), ctl.run("get", "networkpolicy"));
        assertLines(lines("NAMESPACE   NAME   |", "shop        web    |", ""), ctl.run("get", "networkpolicy", "-n", "shop"));
        assertLines(lines(
                "NAMESPACE   NAME   ORDER   SELECTOR       |",
                "shop        web    10.5    app == 'web'   |",
                ""), ctl.run("get", "networkpolicy", "-n", "shop", "-o", "wide"));
        // resourcemgr/globalnetworkset.go: joinAndTruncate .Spec.Nets "," 80: past 80 characters, cut to 77 and
        // "..." added (here the cut falls just after the sixth net).
        assertLines(lines(
                "NAME   NETS                                                                               |",
                "many   10.10.1.0/24,10.10.2.0/24,10.10.3.0/24,10.10.4.0/24,10.10.5.0/24,10.10.6.0/24...   |",
                ""), ctl.run("get", "globalnetworksets", "-o", "wide"));
        assertLines(lines(
                "NAMESPACE   NAME   NETS           |",
                "shop        few    192.0.2.0/28   |",
                ""), ctl.run("get", "networksets", "-A", "-o", "wide"));
    }

    @Test
    void endpointsAndProfiles() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: node-1-eth0}
                spec: {node: node-1, interfaceName: eth0, expectedIPs: [192.0.2.10, "fd00::10"], profiles: [p1, p2]}
                ---
                apiVersion: projectcalico.org/v3
                kind: HostEndpoint
                metadata: {name: node-2-any}
                spec: {node: node-2, expectedIPs: [192.0.2.11]}
                ---
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: node--1-k8s-web1-eth0, namespace: shop}
                spec:
                  node: node-1
                  orchestrator: k8s
                  pod: web1
                  endpoint: eth0
                  interfaceName: cali0a1b2c3d4e5
                  ipNetworks: [10.1.0.5/32]
                  ipNATs: [{internalIP: 10.1.0.5, externalIP: 172.16.0.5}]
                  profiles: [kns.shop]
                ---
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: node--2-openstack-vm2-tap0, namespace: shop}
                spec:
                  node: node-2
                  orchestrator: openstack
                  workload: vm2
                  endpoint: tap0
                  interfaceName: tap0
                  ipNetworks: [10.1.0.6/32, "fd00::6/128"]
                ---
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: kns.shop}
                spec: {labelsToApply: {team: blue, env: prod}}
                """);
        // resourcemgr/hostendpoint.go
        assertLines(lines(
                "NAME          NODE     |",
                "node-1-eth0   node-1   |",
                "node-2-any    node-2   |",
                ""), ctl.run("get", "hostendpoints"));
        assertLines(lines(
                "NAME          NODE     INTERFACE   IPS                   PROFILES   |",
                "node-1-eth0   node-1   eth0        192.0.2.10,fd00::10   p1,p2      |",
                "node-2-any    node-2               192.0.2.11                       |",
                ""), ctl.run("get", "hep", "-o", "wide"));
        // (libcalico-go names/workloadendpoint.go doubles each '-' of the node's name in the endpoint's name.)
        // resourcemgr/workloadendpoint.go: plain has no NAME; WORKLOAD is the workload, else the pod; NATS prints
        // each IPNAT struct as Go's %v does.
        assertLines(lines(
                "NAMESPACE   WORKLOAD   NODE     NETWORKS                  INTERFACE         |",
                "shop        web1       node-1   10.1.0.5/32               cali0a1b2c3d4e5   |",
                "shop        vm2        node-2   10.1.0.6/32,fd00::6/128   tap0              |",
                ""), ctl.run("get", "workloadendpoints", "-n", "shop"));
        assertLines(lines(
                "NAMESPACE   NAME                         WORKLOAD   NODE     NETWORKS                  INTERFACE         PROFILES   NATS                    |",
                "shop        node--1-k8s-web1-eth0        web1       node-1   10.1.0.5/32               cali0a1b2c3d4e5   kns.shop   {10.1.0.5 172.16.0.5}   |",
                "shop        node--2-openstack-vm2-tap0   vm2        node-2   10.1.0.6/32,fd00::6/128   tap0                                                 |",
                ""), ctl.run("get", "wep", "-A", "-o", "wide"));
        // resourcemgr/profile.go: join over the labels map: k=v, sorted.
        assertLines(lines(
                "NAME       LABELS               |",
                "kns.shop   env=prod,team=blue   |",
                ""), ctl.run("get", "profiles", "-o", "wide"));
    }

    @Test
    void felixAndClusterInformation() throws IOException {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: default}
                spec: {logSeverityScreen: Info}
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: node.node-1}
                spec: {logSeverityScreen: Debug}
                """);
        // resourcemgr/felixconfig.go: NAME only, wide too.
        String felix = lines("NAME          |", "default       |", "node.node-1   |", "");
        assertLines(felix, ctl.run("get", "felixconfigurations"));
        assertLines(felix, ctl.run("get", "felixconfig", "-o", "wide"));
        // ClusterInformation is written by calico/node, never by calicoctl (clusterinfo.go refuses it).
        try (KeyValueStore kv = KeyValueStore.connect(ETCD.config())) {
            new ResourceStore(kv).create(new ClusterInformation(ObjectMeta.named("default"),
                    new ClusterInformation.Spec("2f1b2c3d4e5f", "k8s,bgp", "v3.18.0", true, null)));
        }
        // resourcemgr/clusterinfo.go
        String info = lines(
                "NAME      CLUSTERGUID    CLUSTERTYPE   CALICOVERSION   DATASTOREREADY   |",
                "default   2f1b2c3d4e5f   k8s,bgp       v3.18.0         true             |",
                "");
        assertLines(info, ctl.run("get", "clusterinformations"));
        assertLines(info, ctl.run("get", "clusterinfo", "-o", "wide"));
    }
}
