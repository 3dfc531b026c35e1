package dev.tabby.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Chart.yaml against pom.xml: the chart's appVersion is the build's version, the images' default tag. */
class ChartMetadataTest {
    @Test
    void chartYamlNamesTheProjectVersion() throws IOException {
        JsonNode chart = new ObjectMapper(new YAMLFactory()).readTree(Checkout.chart().resolve("Chart.yaml").toFile());
        assertEquals("v2", chart.path("apiVersion").asText(), "Chart.yaml apiVersion");
        assertEquals("tabby", chart.path("name").asText(), "Chart.yaml name");
        assertEquals("0.1.0", chart.path("version").asText(), "Chart.yaml version");
        assertEquals(Checkout.projectVersion(), chart.path("appVersion").asText(),
                "Chart.yaml appVersion must be pom.xml's version; set appVersion: \"" + Checkout.projectVersion() + "\"");
    }
}
