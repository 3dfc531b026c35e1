package dev.tabby.model.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads are lenient, writes strict (issue 11): what another writer stored is returned with a warning per problem,
 * as Calico's backend returns what it stored without validating it (libcalico-go lib/backend/etcdv3 decodes with
 * encoding/json only; validation runs in lib/clientv3 on writes).
 */
class LenientStoredReadTest {
    private static final String KEY = "/calico/resources/v3/projectcalico.org/ippools/p1";

    private static StoredResource read(Kind kind, String json) {
        return ResourceCodec.readStored(kind, json.getBytes(StandardCharsets.UTF_8), 7, KEY);
    }

    @Test
    void aValueThatBreaksARuleIsReturnedWithTheReason() {
        // A /8 pool of /26 blocks disabled later by hand with blockSize 33: Tabby refuses to write blockSize 33.
        StoredResource s = read(Kind.IP_POOL, """
                {"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p1"},
                 "spec":{"cidr":"10.0.0.0/8","blockSize":33}}""");
        IPPool p = (IPPool) s.resource();
        assertEquals(33, p.spec().blockSize());
        assertEquals("7", p.metadata().resourceVersion());
        assertEquals(1, s.warnings().size(), s.warnings().toString());
        assertTrue(s.warnings().get(0).startsWith("etcd key " + KEY + ": spec.blockSize: "), s.warnings().get(0));
        assertTrue(s.warnings().get(0).endsWith("(Tabby would not write this value; correct it with tabbyctl replace)"));
        // The strict read the services use still refuses it.
        assertThrows(ManifestException.class, () -> ResourceCodec.fromStoredValue(Kind.IP_POOL,
                "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"IPPool\",\"metadata\":{\"name\":\"p1\"},\"spec\":{\"cidr\":\"10.0.0.0/8\",\"blockSize\":33}}"
                        .getBytes(StandardCharsets.UTF_8), 7, KEY));
    }

    @Test
    void skippedFieldsAreNamedWithTheirPath() {
        StoredResource s = read(Kind.WORKLOAD_ENDPOINT, """
                {"apiVersion":"projectcalico.org/v3","kind":"WorkloadEndpoint",
                 "metadata":{"name":"n1-k8s-web-eth0","namespace":"default","someNewerMetadata":"x"},
                 "spec":{"orchestrator":"k8s","node":"n1","pod":"web","endpoint":"eth0","serviceAccountName":"default",
                         "interfaceName":"cali0a1b2c3d4e5","ipNetworks":["10.65.0.7/32"],"aFieldFromLater":{"nested":true}}}""");
        assertEquals("n1", ((WorkloadEndpoint) s.resource()).spec().node());
        assertEquals(List.of(
                "etcd key " + KEY + ": field metadata.someNewerMetadata is not in Calico v3.18's WorkloadEndpoint; skipped"
                        + " (it is dropped if the resource is written back)",
                "etcd key " + KEY + ": field spec.serviceAccountName is not in Calico v3.18's WorkloadEndpoint; skipped"
                        + " (it is dropped if the resource is written back)",
                "etcd key " + KEY + ": field spec.aFieldFromLater is not in Calico v3.18's WorkloadEndpoint; skipped"
                        + " (it is dropped if the resource is written back)"), s.warnings());
    }

    @Test
    void aSkippedListIsNamedToo() {
        StoredResource s = read(Kind.IP_POOL, """
                {"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p1"},
                 "spec":{"cidr":"10.0.0.0/16","allowedUses":["Workload","Tunnel"]}}""");
        assertEquals(List.of("etcd key " + KEY + ": field spec.allowedUses is not in Calico v3.18's IPPool; skipped"
                + " (it is dropped if the resource is written back)"), s.warnings());
    }

    @Test
    void aValueTabbyCouldWriteHasNoWarnings() {
        StoredResource s = read(Kind.IP_POOL, """
                {"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p1"},
                 "spec":{"cidr":"10.0.0.0/16","blockSize":26,"ipipMode":"Never","vxlanMode":"Always","natOutgoing":true,
                         "nodeSelector":"all()"}}""");
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void aValueThatDoesNotDecodeIsStillAnError() {
        ManifestException e = assertThrows(ManifestException.class, () -> read(Kind.IP_POOL, """
                {"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"p1"},"spec":{"blockSize":"big"}}"""));
        assertTrue(e.getMessage().contains("etcd key " + KEY + ": spec.blockSize"), e.getMessage());
        assertThrows(ManifestException.class, () -> read(Kind.IP_POOL, "{\"kind\":\"Node\",\"apiVersion\":\"projectcalico.org/v3\","
                + "\"metadata\":{\"name\":\"n\"}}"));
    }
}
