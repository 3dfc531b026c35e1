package dev.tabby.datastore.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys against libcalico-go release-v3.18 lib/backend/model and lib/names. */
class FelixStatusKeysTest {
    @Test
    void keysAreFelixs() {
        assertEquals("/calico/felix/v2/no-region/host/node-1/status", FelixStatusKeys.activeStatusReport("node-1"));
        assertEquals("/calico/felix/v2/no-region/host/node-1/last_reported_status",
                FelixStatusKeys.lastStatusReport("node-1"));
        assertEquals("/calico/felix/v1/host/node-1/endpoint/eth0", FelixStatusKeys.hostEndpointStatus("node-1", "eth0"));
        // model/name.go escapeName: '%' first, then '/'.
        assertEquals("a%252fb%2fc", FelixStatusKeys.escapeName("a%2fb/c"));
    }

    @Test
    void workloadKeysComeFromTheEndpointsName() {
        // names/workloadendpoint_test.go style: "--" is a dash inside a part.
        assertEquals(List.of("node-1", "k8s", "web-1", "eth0"), FelixStatusKeys.dashSeparatedParts("node--1-k8s-web--1-eth0", 4));
        assertNull(FelixStatusKeys.dashSeparatedParts("node-k8s-eth0", 4));
        assertEquals(Optional.of("/calico/felix/v2/no-region/host/node-1/workload/k8s/shop%2fweb-1/endpoint/eth0"),
                FelixStatusKeys.forWorkloadEndpoint("shop", "node--1-k8s-web--1-eth0"));
        assertEquals(Optional.empty(), FelixStatusKeys.forWorkloadEndpoint("shop", "just-three-parts"));
    }

    @Test
    void statusValuesAreReadAsFelixWritesThem() {
        assertEquals("up", FelixStatusKeys.endpointStatusOf("{\"status\":\"up\"}"));
        assertEquals("error", FelixStatusKeys.endpointStatusOf("{\"status\":\"error\",\"message\":\"x\"}"));
        assertEquals(null, FelixStatusKeys.endpointStatusOf("up"));
        assertEquals(null, FelixStatusKeys.endpointStatusOf("{\"status\":1}"));
        assertEquals(null, FelixStatusKeys.endpointStatusOf(null));
    }

    @Test
    void statusValuesAreWrittenAsFelixWritesThem() {
        // libcalico-go model.WorkloadEndpointStatus{Status: "up"} as JSON.
        assertEquals("{\"status\":\"up\"}", FelixStatusKeys.endpointStatusValue("up"));
    }
}
