package dev.tabby.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Manifests are strict; stored values skip the fields Tabby does not know, as Calico's backend (encoding/json) does,
 * so a value an older Tabby or a newer Calico stored stays readable. v3.18's WorkloadEndpoint has no
 * serviceAccountName (libcalico-go release-v3.18 lib/apis/v3/workloadendpoint.go); Tabby's CNI once stored it.
 */
class StoredValueLeniencyTest {
    private static final String STORED = """
            {"apiVersion":"projectcalico.org/v3","kind":"WorkloadEndpoint",
             "metadata":{"name":"n1-k8s-web-eth0","namespace":"default","someNewerMetadata":"x",
                         "labels":{"projectcalico.org/serviceaccount":"default"}},
             "spec":{"orchestrator":"k8s","node":"n1","pod":"web","endpoint":"eth0","serviceAccountName":"default",
                     "interfaceName":"cali0a1b2c3d4e5","ipNetworks":["10.65.0.7/32"],"aFieldFromLater":{"nested":true}}}
            """;

    @Test
    void aStoredValueWithFieldsTabbyDoesNotKnowIsRead() {
        WorkloadEndpoint w = (WorkloadEndpoint) ResourceCodec.fromStoredValue(Kind.WORKLOAD_ENDPOINT,
                STORED.getBytes(StandardCharsets.UTF_8), 12, "/calico/resources/v3/projectcalico.org/workloadendpoints/default/n1-k8s-web-eth0");
        assertEquals("n1", w.spec().node());
        assertEquals("12", w.metadata().resourceVersion());
        assertEquals("default", w.metadata().labels().get("projectcalico.org/serviceaccount"));
    }

    @Test
    void aManifestWithTheSameFieldIsRefused() {
        ManifestException e = assertThrows(ManifestException.class, () -> ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: WorkloadEndpoint
                metadata: {name: n1-k8s-web-eth0, namespace: default}
                spec: {orchestrator: k8s, node: n1, pod: web, endpoint: eth0, serviceAccountName: default,
                       interfaceName: cali0a1b2c3d4e5}
                """));
        assertTrue(e.getMessage().contains("unknown field \"serviceAccountName\""), e.getMessage());
    }

    @Test
    void aStoredValueOfTheWrongTypeIsStillAnError() {
        String wrong = STORED.replace("\"ipNetworks\":[\"10.65.0.7/32\"]", "\"ipNetworks\":7");
        assertThrows(ManifestException.class, () -> ResourceCodec.fromStoredValue(Kind.WORKLOAD_ENDPOINT,
                wrong.getBytes(StandardCharsets.UTF_8), 12, "/k"));
    }
}
