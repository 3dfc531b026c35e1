package dev.tabby.model.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ResourceCodec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fields Calico v3.18's resources carry that Tabby must keep: the Kubernetes metadata of metav1.ObjectMeta
 * (generation, ownerReferences, finalizers, annotations) and Node.spec.addresses (libcalico-go lib/apis/v3/node.go).
 */
class KubernetesMetadataTest {
    private static final String POOL = """
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata:
              name: p1
              generation: 3
              annotations: {owner: team-a}
              finalizers: [example.com/keep]
              ownerReferences:
              - apiVersion: operator.tigera.io/v1
                kind: Installation
                name: default
                uid: 7f3e0b1c-0000-4000-8000-000000000001
                controller: true
                blockOwnerDeletion: true
            spec: {cidr: 10.0.0.0/16}
            """;

    @Test
    void kubernetesMetadataIsReadAndSurvivesTheStoredValueAndYaml() {
        Resource r = ResourceCodec.read(POOL).resources().get(0);
        ObjectMeta m = r.metadata();
        assertEquals(3L, m.generation());
        assertEquals(List.of("example.com/keep"), m.finalizers());
        assertEquals(Map.of("owner", "team-a"), m.annotations());
        assertEquals(new ObjectMeta.OwnerReference("operator.tigera.io/v1", "Installation", "default",
                "7f3e0b1c-0000-4000-8000-000000000001", true, true), m.ownerReferences().get(0));

        Resource stored = ResourceCodec.fromStoredValue(Kind.IP_POOL, ResourceCodec.toStoredValue(r), 7, "/k");
        assertEquals(m.withResourceVersion("7"), stored.metadata());
        Resource fromYaml = ResourceCodec.read(ResourceCodec.toYaml(r)).resources().get(0);
        assertEquals(m, fromYaml.metadata());
        assertEquals(m.generation(), r.metadata().withLabels(Map.of("a", "b")).generation(), "with... keeps them");
    }

    @Test
    void nodeAddressesAreKeptAsWrittenAndAnythingElseIsOnlyWarnedAbout() {
        Node n = (Node) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: n1}
                spec:
                  addresses:
                  - address: 10.0.0.5/24
                  - address: "fd00::5"
                """).resources().get(0);
        assertEquals(List.of(new Node.NodeAddress("10.0.0.5/24"), new Node.NodeAddress("fd00::5")), n.spec().addresses(),
                "an interface address keeps its host bits, as Calico keeps it");
        // v3.18's NodeSpec.Addresses has no "dive" (lib/apis/v3/node.go), so the validator never looks inside it.
        var m = ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata: {name: n1}
                spec: {addresses: [{address: not-an-ip}]}
                """);
        assertEquals(1, m.resources().size());
        assertTrue(m.warnings().stream().anyMatch(w -> w.contains("spec.addresses[0].address")), m.warnings().toString());
    }
}
