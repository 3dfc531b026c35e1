package dev.tabby.charts;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** values.schema.json and the templates' own checks refuse bad values, naming the value. */
class ChartSchemaTest {
    private static final Map<String, Object> ETCD = Map.of("endpoints", List.of("http://10.0.0.1:2379"));

    @Test
    void aMisspeltKeyFails() {
        String message = ChartTemplateTest.renderFailure(Map.of("etcd", ETCD, "vxlanManager", Map.of("enabeld", true)));
        assertTrue(message.contains("vxlanManager") && message.contains("enabeld"), message);
    }

    @Test
    void aMisspeltTopLevelKeyFails() {
        String message = ChartTemplateTest.renderFailure(Map.of("etcd", ETCD, "metric", Map.of("listenOnAllInterfaces", true)));
        assertTrue(message.contains("metric"), message);
    }

    @Test
    void aWrongTypeFails() {
        String message = ChartTemplateTest.renderFailure(Map.of("etcd", ETCD, "metrics", Map.of("listenOnAllInterfaces", "yes")));
        assertTrue(message.contains("metrics.listenOnAllInterfaces"), message);
    }

    @Test
    void anUnknownModeFails() {
        String message = ChartTemplateTest.renderFailure(Map.of("etcd", ETCD, "mode", "geneve"));
        assertTrue(message.contains("mode") && message.contains("vxlan"), message);
    }

    @Test
    void aMissingEtcdEndpointsFails() {
        String message = ChartTemplateTest.renderFailure(Map.of());
        assertTrue(message.contains("etcd.endpoints is required"), message);
    }

    @Test
    void anEndpointWithoutSchemeFails() {
        String message = ChartTemplateTest.renderFailure(Map.of("etcd", Map.of("endpoints", List.of("10.0.0.1:2379"))));
        assertTrue(message.contains("etcd.endpoints"), message);
    }
}
