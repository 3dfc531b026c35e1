package dev.tabby.renderer.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.FelixConfiguration;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reporting settings, merged as felix config/config_params.go merges them (node over default over built in). */
class RendererSettingsTest {
    private static FelixConfiguration felix(String name, String spec) {
        return (FelixConfiguration) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata: {name: %s}
                spec: %s
                """.formatted(name, spec)).resources().get(0);
    }

    private static RendererSettings merge(FelixConfiguration cluster, FelixConfiguration node) {
        return RendererSettings.merge(cluster, node, null, List.of(), false, RendererSettings.DEFAULTS);
    }

    @Test
    void felixsReportingDefaultsAndTabbysEndpointReportingOn() {
        RendererSettings s = merge(null, null);
        assertEquals(Duration.ofSeconds(30), s.reportingInterval(), "config_params.go ReportingIntervalSecs 30");
        assertEquals(Duration.ofSeconds(90), s.reportingTtl(), "config_params.go ReportingTTLSecs 90");
        assertTrue(s.endpointReporting(), "Tabby's default: the CNI ADD waits for the status");
    }

    @Test
    void theNodesSettingWinsOverTheClusters() {
        RendererSettings s = merge(felix("default", "{reportingInterval: 10s, reportingTTL: 40s, endpointReportingEnabled: false}"),
                felix("node.n1", "{reportingTTL: 1m, endpointReportingEnabled: true}"));
        assertEquals(Duration.ofSeconds(10), s.reportingInterval());
        assertEquals(Duration.ofMinutes(1), s.reportingTtl());
        assertTrue(s.endpointReporting());
        assertFalse(merge(felix("default", "{endpointReportingEnabled: false}"), null).endpointReporting());
    }

    @Test
    void intervalZeroSwitchesReportsOffButTtlZeroIsRefused() {
        RendererSettings s = merge(felix("default", "{reportingInterval: 0s, reportingTTL: 0s}"), null);
        assertEquals(Duration.ZERO, s.reportingInterval());
        assertEquals(Duration.ofSeconds(90), s.reportingTtl());
        assertTrue(s.problems().stream().anyMatch(p -> p.startsWith("reportingTTL: 0s")), s.problems().toString());
    }
}
