package dev.tabby.renderer.bench;

import dev.tabby.datastore.ResourceStore;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;

/**
 * The benchmark's cluster in etcd, as tabbyctl would write it: its node, a Kubernetes-namespace-style profile that
 * allows everything (so the client's egress is the profile's allow), the two workload endpoints, a policy that allows
 * the server's port from the client only (so the server's ingress is that policy's rule 0), and FelixConfiguration
 * {@code default} with the flow-log annotations. {@code iptablesRefreshInterval: 0s} turns the 90 s read-back of the
 * tables off: one round would include its iptables-save and the other not, which is noise, not flow logs.
 */
final class FlowResources {
    static final String NODE = "bench";
    static final String POLICY = "flows-bench-allow-client";

    private final ResourceStore store;

    FlowResources(ResourceStore store) {
        this.store = store;
    }

    void writeCluster() {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: %s}
                spec: {bgp: {ipv4Address: 10.250.0.1/16}}
                """.formatted(NODE));
        apply("""
                apiVersion: projectcalico.org/v3
                kind: Profile
                metadata: {name: kns.flows}
                spec:
                  ingress: [{action: Allow}]
                  egress: [{action: Allow}]
                """);
        endpoint("client", FlowWorkloads.CLIENT_IFACE, FlowWorkloads.CLIENT_IP);
        endpoint("server", FlowWorkloads.SERVER_IFACE, FlowWorkloads.SERVER_IP);
        apply("""
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: %s}
                spec:
                  selector: role == 'server'
                  types: [Ingress]
                  ingress:
                  - action: Allow
                    protocol: TCP
                    source: {selector: role == 'client'}
                    destination: {ports: [%d]}
                """.formatted(POLICY, ConnectionLoad.PORT));
    }

    /** FelixConfiguration default with flow logs on or off; {@code rateLimit} null leaves the renderer's default. */
    void flowLogs(boolean on, int flushSeconds, Integer rateLimit) {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: default
                  annotations:
                    tabby.dev/flow-logs: "%s"
                    tabby.dev/flow-logs-flush-interval: "%ds"
                %s
                spec: {iptablesRefreshInterval: 0s}
                """.formatted(on ? "on" : "off", flushSeconds,
                rateLimit == null ? "" : "    tabby.dev/flow-logs-rate-limit: \"" + rateLimit + "\""));
    }

    private void endpoint(String workload, String iface, String ip) {
        apply("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: %1$s-cni-%2$s-eth0
                  namespace: flows
                  labels: {role: %2$s}
                spec:
                  node: %1$s
                  orchestrator: cni
                  workload: %2$s
                  containerID: %2$s
                  endpoint: eth0
                  interfaceName: %3$s
                  ipNetworks: [%4$s/32]
                  profiles: [kns.flows]
                """.formatted(NODE, workload, iface, ip));
    }

    private void apply(String yaml) {
        for (Resource r : ResourceCodec.read(yaml).resources()) {
            store.apply(r);
        }
    }
}
