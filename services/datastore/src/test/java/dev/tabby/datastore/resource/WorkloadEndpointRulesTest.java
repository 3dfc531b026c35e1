package dev.tabby.datastore.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ManifestException;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * libcalico-go release-v3.18 lib/clientv3/workloadendpoint.go on every write: the name the spec's identifiers give
 * (lib/names/workloadendpoint.go), and the namespace and orchestrator labels.
 */
class WorkloadEndpointRulesTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    static KeyValueStore kv;
    static ResourceStore store;

    @BeforeAll
    static void connect() {
        kv = KeyValueStore.connect(ETCD.config());
        store = new ResourceStore(kv);
    }

    @AfterAll
    static void close() {
        kv.close();
    }

    /** The WorkloadEndpoint example of Calico v3.18's reference docs, its labels left out. */
    private static Resource docsExample(String name, String pod) {
        return ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata:
                  name: %s
                  namespace: default
                  labels: {app: frontend}
                spec:
                  node: node1
                  orchestrator: k8s
                  endpoint: eth0
                  containerID: 1337495556942031415926535
                  pod: %s
                  interfaceName: cali0ef24ba
                  ipNetworks: [192.168.0.0/32]
                """.formatted(name, pod)).resources().get(0);
    }

    @Test
    void theDocsExampleIsWrittenWithCalicosLabels() {
        Resource written = store.create(docsExample("node1-k8s-my--nginx--b1337a-eth0", "my-nginx-b1337a"));
        assertEquals("default", written.metadata().labels().get("projectcalico.org/namespace"));
        assertEquals("k8s", written.metadata().labels().get("projectcalico.org/orchestrator"));
        assertEquals("frontend", written.metadata().labels().get("app"));
    }

    @Test
    void aNameTheIdentifiersDoNotGiveIsRefusedWithCalicosReason() {
        ResourceRefusedException e = assertThrows(ResourceRefusedException.class,
                () -> store.create(docsExample("node1-k8s-my-nginx-b1337a-eth0", "my-nginx-b1337a")));
        assertEquals(List.of("metadata.name: the WorkloadEndpoint name does not match the primary identifiers assigned"
                + " in the Spec: expected name node1-k8s-my--nginx--b1337a-eth0"), e.problems());
        // A pod name ending in '-' cannot give a name (names/workloadendpoint.go: "field must not end with a '-'");
        // the validator refuses it first, as not a name (validator.go, tag name).
        ManifestException bad = assertThrows(ManifestException.class, () -> docsExample("node1-k8s-nginx--eth0", "nginx-"));
        assertTrue(bad.getMessage().contains("spec.pod: \"nginx-\" is not a valid name"), bad.getMessage());
        assertTrue(store.list(dev.tabby.model.v3.Kind.WORKLOAD_ENDPOINT, "default").items().stream()
                .noneMatch(r -> r.metadata().name().startsWith("node1-k8s-my-nginx")), "nothing written");
    }

    @Test
    void aCniEndpointIsNamedByItsContainerId() {
        Resource cni = ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: node1-cni-abc123-eth0, namespace: default}
                spec: {node: node1, orchestrator: cni, workload: my-workload, containerID: abc123, endpoint: eth0,
                       interfaceName: cali1234}
                """).resources().get(0);
        store.create(cni);
        Resource noContainer = ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: node1-cni-w-eth0, namespace: default}
                spec: {node: node1, orchestrator: cni, workload: w, endpoint: eth0, interfaceName: cali5678}
                """).resources().get(0);
        ResourceRefusedException e = assertThrows(ResourceRefusedException.class, () -> store.create(noContainer));
        assertEquals(List.of("spec.containerID: field should be assigned"), e.problems());
    }
}
