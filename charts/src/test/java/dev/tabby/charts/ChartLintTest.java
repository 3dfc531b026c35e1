package dev.tabby.charts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** helm lint with each mode's values file, and with the defaults plus the one required value. */
class ChartLintTest {
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-values.yaml", "ipip-values.yaml", "bgp-values.yaml"})
    void eachModeLintsClean(String file) {
        assertClean(ChartRender.lint(Checkout.chart(), List.of(Checkout.ci(file)), Map.of()), file);
    }

    @Test
    void defaultsWithEtcdLintClean() {
        assertClean(ChartRender.lint(Checkout.chart(), List.of(),
                Map.of("etcd", Map.of("endpoints", List.of("http://127.0.0.1:2379")))), "defaults + etcd.endpoints");
    }

    @Test
    void lintCatchesABrokenChart() {
        // A value the schema refuses: lint must say so, or the tests above prove nothing. (Not a missing
        // etcd.endpoints: helm lint renders in lint mode, where a template's fail is not an error.)
        LintResult result = ChartRender.lint(Checkout.chart(), List.of(Checkout.ci("vxlan-values.yaml")),
                Map.of("vxlanManager", Map.of("enabeld", true)));
        assertTrue(result.isFailed(), "lint with vxlanManager.enabeld passed: " + result.getMessages());
        assertTrue(result.getMessages().stream().anyMatch(m -> m.contains("enabeld")), result.getMessages().toString());
    }

    private static void assertClean(LintResult result, String what) {
        assertFalse(result.isFailed(), "helm lint (" + what + ") failed: " + result.getMessages());
        assertTrue(result.getMessages().stream().noneMatch(m -> m.contains("[ERROR]")),
                "helm lint (" + what + ") reported errors: " + result.getMessages());
    }
}
