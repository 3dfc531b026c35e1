package dev.tabby.renderer.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.renderer.state.RendererSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow-log annotations on FelixConfiguration default, read through the renderer's settings merge. */
class FlowLogSettingsTest {
    private static FelixConfiguration felix(String name, String annotations) {
        return (FelixConfiguration) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: FelixConfiguration
                metadata:
                  name: %s
                  annotations: %s
                spec: {}
                """.formatted(name, annotations)).resources().get(0);
    }

    private static RendererSettings merge(FelixConfiguration cluster, RendererSettings previous) {
        return RendererSettings.merge(cluster, null, null, List.of(), false, previous);
    }

    @Test
    void offByDefaultWithFifteenSecondsAndAThousandVerdictsASecond() {
        RendererSettings s = merge(null, RendererSettings.DEFAULTS);
        assertFalse(s.flowLogs().on());
        assertEquals(Duration.ofSeconds(15), s.flowLogs().flushInterval());
        assertEquals(1000, s.flowLogs().rateLimit());
        assertNull(s.flowLogRules(), "off: no NFLOG rules rendered");
        assertNull(s.endpointChains().flowLogs());
    }

    @Test
    void theAnnotationsSwitchOnAndSetIntervalAndRate() {
        RendererSettings s = merge(felix("default", """
                {"tabby.dev/flow-logs": "on", "tabby.dev/flow-logs-flush-interval": "1m30s",
                 "tabby.dev/flow-logs-rate-limit": "250"}"""), RendererSettings.DEFAULTS);
        assertEquals(new FlowLogSettings(true, Duration.ofSeconds(90), 250), s.flowLogs());
        assertTrue(s.problems().isEmpty(), s.problems().toString());
        assertEquals(dev.tabby.policy.render.FlowLogRules.DEFAULT, s.endpointChains().flowLogs());
        assertEquals(merge(felix("default", "{\"tabby.dev/flow-logs\": \"off\"}"), s).flowLogs(),
                FlowLogSettings.DEFAULTS, "off again: every default");
    }

    @Test
    void onlyTheClustersDefaultConfigurationCounts() {
        RendererSettings s = RendererSettings.merge(null, felix("node.n1", "{\"tabby.dev/flow-logs\": \"on\"}"), null,
                List.of(), false, RendererSettings.DEFAULTS);
        assertFalse(s.flowLogs().on(), "a per-node FelixConfiguration does not switch flow logs");
    }

    @Test
    void badValuesKeepTheLastGoodSettingAndNameTheAnnotation() {
        RendererSettings good = merge(felix("default", """
                {"tabby.dev/flow-logs": "on", "tabby.dev/flow-logs-flush-interval": "30s",
                 "tabby.dev/flow-logs-rate-limit": "500"}"""), RendererSettings.DEFAULTS);
        RendererSettings bad = merge(felix("default", """
                {"tabby.dev/flow-logs": "yes please", "tabby.dev/flow-logs-flush-interval": "soon",
                 "tabby.dev/flow-logs-rate-limit": "-3"}"""), good);
        assertEquals(good.flowLogs(), bad.flowLogs());
        assertEquals(3, bad.problems().size(), bad.problems().toString());
        for (String annotation : List.of(FlowLogSettings.SWITCH, FlowLogSettings.FLUSH_INTERVAL,
                FlowLogSettings.RATE_LIMIT)) {
            assertTrue(bad.problems().stream().anyMatch(p -> p.startsWith("annotation " + annotation + ":")
                    && !p.contains("\n")), annotation + " in " + bad.problems());
        }
        RendererSettings tooShort = merge(felix("default", "{\"tabby.dev/flow-logs-flush-interval\": \"100ms\","
                + " \"tabby.dev/flow-logs-rate-limit\": \"lots\"}"), RendererSettings.DEFAULTS);
        assertEquals(FlowLogSettings.DEFAULTS, tooShort.flowLogs(), "at first the defaults stand in for bad values");
        assertEquals(2, tooShort.problems().size(), tooShort.problems().toString());
    }
}
