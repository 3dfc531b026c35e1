package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tabbyctl policy explain} against a real etcd: resources stored with {@code tabbyctl apply}, the command's
 * output and exit codes. The policy is the example of Calico's NetworkPolicy reference page.
 */
class PolicyExplainCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final String HEADER = "apiVersion: projectcalico.org/v3\n";

    private static String pod(String name, String ip, String role) {
        return HEADER + "kind: WorkloadEndpoint\nmetadata:\n  name: node1-k8s-" + name + "-eth0\n  namespace: production\n"
                + "  labels:\n    role: " + role + "\n    projectcalico.org/namespace: production\n"
                + "    projectcalico.org/orchestrator: k8s\nspec:\n  orchestrator: k8s\n  node: node1\n  pod: " + name
                + "\n  endpoint: eth0\n  interfaceName: cali" + name + "\n  ipNetworks: [" + ip + "/32]\n"
                + "  profiles: [kns.production]\n";
    }

    static final String MANIFEST = HEADER + """
            kind: Profile
            metadata:
              name: kns.production
            spec:
              ingress:
              - action: Allow
              egress:
              - action: Allow
              labelsToApply:
                pcns.projectcalico.org/name: production
            ---
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata:
              name: allow-tcp-6379
              namespace: production
            spec:
              selector: role == 'database'
              types:
              - Ingress
              - Egress
              ingress:
              - action: Allow
                protocol: TCP
                source:
                  selector: role == 'frontend'
                destination:
                  ports:
                  - 6379
              egress:
              - action: Allow
            ---
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkSet
            metadata:
              name: ip-protect
              labels:
                ip-deny-list: 'true'
            spec:
              nets:
              - 203.0.113.0/24
            ---
            """ + pod("db", "10.65.0.10", "database") + "---\n" + pod("fe", "10.65.0.20", "frontend") + "---\n"
            + pod("be", "10.65.0.30", "backend");

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        Tabbyctl.Result applied = ctl.run("apply", "-f", Files.writeString(dir.resolve("m.yaml"), MANIFEST).toString());
        assertEquals(0, applied.exitCode(), applied::toString);
    }

    @Test
    void explainsAnAllowedAndADeniedFlowAsText() {
        Tabbyctl.Result allowed = ctl.run("policy", "explain", "node1-k8s-db-eth0", "-n", "production",
                "--from", "10.65.0.20:6379/TCP");
        assertEquals(0, allowed.exitCode(), allowed::toString);
        assertEquals("""
                Ingress to WorkloadEndpoint production/node1-k8s-db-eth0 (10.65.0.10) from 10.65.0.20:6379/TCP
                Peer 10.65.0.20: WorkloadEndpoint production/node1-k8s-fe-eth0 {pcns.projectcalico.org/name=production, projectcalico.org/namespace=production, projectcalico.org/orchestrator=k8s, role=frontend}
                Policies (ingress), in evaluation order:
                  1. NetworkPolicy production/allow-tcp-6379 (no order)
                       ingress[0]  Allow  matched: allowed
                       -> Allow
                Profiles: not reached
                Verdict: Allow by rule ingress[0] of NetworkPolicy production/allow-tcp-6379
                """, allowed.out());
        assertEquals("", allowed.err());

        // namespace/name, and the pod name as a short form.
        Tabbyctl.Result denied = ctl.run("policy", "explain", "production/db", "--from", "10.65.0.30:6379/TCP");
        assertEquals(0, denied.exitCode(), denied::toString);
        assertTrue(denied.out().contains("       ingress[0]  Allow  no match: source.selector: WorkloadEndpoint "
                + "production/node1-k8s-be-eth0 does not match role == 'frontend'\n"), denied::toString);
        assertTrue(denied.out().endsWith("Verdict: no policy allowed it: default deny\n"), denied::toString);

        // The frontend: no policy, its profile allows; a GlobalNetworkSet is the peer.
        Tabbyctl.Result egress = ctl.run("policy", "explain", "fe", "-n", "production", "--to", "203.0.113.9:443/TCP");
        assertEquals(0, egress.exitCode(), egress::toString);
        assertTrue(egress.out().contains("Peer 203.0.113.9: GlobalNetworkSet ip-protect {ip-deny-list=true}\n"),
                egress::toString);
        assertTrue(egress.out().contains("Profiles (no policy selects this workload for egress):\n"), egress::toString);
        assertTrue(egress.out().endsWith("Verdict: Allow by rule egress[0] of Profile kns.production\n"), egress::toString);
    }

    @Test
    void jsonOutputAndAFlowWithoutPort() throws IOException {
        Tabbyctl.Result r = ctl.run("policy", "explain", "production/db", "--from", "10.65.0.20", "-o", "json");
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("ingress", json.path("direction").asText());
        assertEquals("10.65.0.10", json.path("workloadIp").asText());
        JsonNode rule = json.path("policies").path(0).path("rules").path(0);
        assertEquals("depends", rule.path("result").asText());
        assertEquals("[\"protocol\",\"destination port\"]", rule.path("dependsOn").toString());
        assertEquals("Deny", json.path("verdict").path("action").asText());
        assertEquals("ingress[0] of NetworkPolicy production/allow-tcp-6379 (Allow, depends on protocol, destination "
                + "port)", json.path("verdict").path("assuming").path(0).asText());
    }

    @Test
    void felixConfigurationFromEtcdShapesTheWorkloadChain() throws IOException {
        Tabbyctl.Result dropped = ctl.run("policy", "explain", "production/fe", "--to", "10.65.0.10:4789/UDP");
        assertTrue(dropped.out().contains("Verdict: Deny by the workload's own chain, before any policy: Felix drops "
                + "VXLAN (UDP 4789) packets that workloads send"), dropped::toString);
        Path felix = Files.writeString(dir.resolve("felix.yaml"), HEADER + """
                kind: FelixConfiguration
                metadata:
                  name: node.node1
                spec:
                  allowVXLANPacketsFromWorkloads: true
                ---
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: default
                spec:
                  defaultEndpointToHostAction: Accept
                  allowVXLANPacketsFromWorkloads: false
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata:
                  name: node1
                spec:
                  bgp:
                    ipv4Address: 10.99.1.11/24
                """);
        assertEquals(0, ctl.run("apply", "-f", felix.toString()).exitCode());
        try {
            Tabbyctl.Result allowed = ctl.run("policy", "explain", "production/fe", "--to", "10.65.0.10:4789/UDP");
            assertTrue(allowed.out().endsWith("Verdict: Allow by rule egress[0] of Profile kns.production\n"),
                    allowed::toString);
            // The node's own address: egress meets defaultEndpointToHostAction (Accept, from "default").
            Tabbyctl.Result toHost = ctl.run("policy", "explain", "production/fe", "--to", "10.99.1.11:22/TCP");
            assertTrue(toHost.out().endsWith("Verdict: Allow by rule egress[0] of Profile kns.production, then accepted "
                    + "to node node1, the workload's own host (FelixConfiguration defaultEndpointToHostAction Accept)\n"),
                    toHost::toString);
        } finally {
            assertEquals(0, ctl.run("delete", "-f", felix.toString()).exitCode());
        }
    }

    @Test
    void errorsAreOneLineWithExitCodeOne() {
        Tabbyctl.Result unknown = ctl.run("policy", "explain", "nope", "-n", "production", "--to", "10.65.0.10");
        assertEquals(1, unknown.exitCode());
        assertEquals("tabbyctl: WorkloadEndpoint \"nope\" not found in namespace production; list workloads with "
                + "'tabbyctl get workloadendpoints -A'\n", unknown.err());
        assertEquals("", unknown.out());

        Tabbyctl.Result badIp = ctl.run("policy", "explain", "production/db", "--to", "10.65.0:80/TCP");
        assertEquals(1, badIp.exitCode());
        assertEquals("tabbyctl: --to 10.65.0:80/TCP: \"10.65.0\" is not an IP address; expected IP or IP:PORT/PROTO, "
                + "e.g. 10.0.0.5:6379/TCP\n", badIp.err());

        Tabbyctl.Result badPort = ctl.run("policy", "explain", "production/db", "--from", "10.65.0.20:99999/TCP");
        assertEquals(1, badPort.exitCode());
        assertEquals("tabbyctl: --from 10.65.0.20:99999/TCP: port 99999 is out of range 1..65535\n", badPort.err());

        Tabbyctl.Result badProto = ctl.run("policy", "explain", "production/db", "--from", "10.65.0.20:80/TPC");
        assertEquals(1, badProto.exitCode());
        assertEquals("tabbyctl: --from 10.65.0.20:80/TPC: \"TPC\" is not a protocol; allowed: TCP, UDP, ICMP, ICMPv6, "
                + "SCTP, UDPLite or a number 1..255\n", badProto.err());

        Tabbyctl.Result noFlow = ctl.run("policy", "explain", "production/db");
        assertEquals(1, noFlow.exitCode());
        assertEquals("tabbyctl: give the flow: --to IP[:PORT/PROTO] (egress from the workload) or --from "
                + "IP[:PORT/PROTO] (ingress)\n", noFlow.err());

        Tabbyctl.Result v6 = ctl.run("policy", "explain", "production/db", "--to", "fd00::1");
        assertEquals(1, v6.exitCode());
        assertEquals("tabbyctl: WorkloadEndpoint production/node1-k8s-db-eth0 has no IPv6 address (it has "
                + "10.65.0.10/32), so it has no flow with fd00::1\n", v6.err());
    }
}
