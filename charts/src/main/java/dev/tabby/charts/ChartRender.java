package dev.tabby.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code helm template} and {@code helm lint} of charts/tabby through helm-java (helm linked in as a native library),
 * with the release name and namespace a Calico manifest uses: calico-node lives in kube-system.
 *
 * <p>helm-java 0.0.15 leaves two gaps this class fills by rendering a temporary copy of the chart:
 * <ul>
 *   <li>its template drops hooks (manusa/helm-java#416), while the helm CLI prints them: the copy's hook annotations
 *       are renamed so helm keeps the Job among the manifests, and the output names them back;</li>
 *   <li>its lint takes no values file: the copy's values.yaml is the chart's with the given values merged in, as
 *       helm merges -f files (maps merge key by key, anything else is replaced).</li>
 * </ul>
 */
public final class ChartRender {
    public static final String RELEASE = "tabby";
    public static final String NAMESPACE = "kube-system";
    private static final String HOOK = "helm.sh/hook";
    private static final String HOOK_STAND_IN = "rendered.tabby.dev/hook";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ChartRender() {
    }

    /** The chart directory under the project root. */
    public static Path chartDir(Path root) {
        Path chart = root.resolve("charts/tabby");
        if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
            throw new IllegalStateException(chart + "/Chart.yaml not found: run from the Tabby checkout (or set TABBY_ROOT)");
        }
        return chart;
    }

    /**
     * Renders the chart, hooks included as the helm CLI prints them, with these values files (in order), then these
     * values (YAML-shaped maps, written to a values file of their own: helm-java's set passes every value as a
     * string, and a list must stay a list). A failing template or schema throws helm's message.
     */
    public static String template(Path chart, List<Path> valuesFiles, Map<String, ?> values) {
        Path copy = copyChart(chart);
        try {
            for (Path template : templates(copy)) {
                String text = Files.readString(template, StandardCharsets.UTF_8);
                Files.writeString(template, text.replace(HOOK, HOOK_STAND_IN), StandardCharsets.UTF_8);
            }
            TemplateCommand command = new Helm(copy).template().withName(RELEASE).withNamespace(NAMESPACE);
            for (Path file : valuesFiles) {
                command = command.withValuesFile(file);
            }
            if (!values.isEmpty()) {
                Path extra = copy.resolve("ci/rendered-values.yaml");
                Files.createDirectories(extra.getParent());
                YAML.writeValue(extra.toFile(), values);
                command = command.withValuesFile(extra);
            }
            return command.call().replace(HOOK_STAND_IN, HOOK);
        } catch (IOException e) {
            throw new UncheckedIOException("rendering a copy of " + chart + ": " + e.getMessage(), e);
        } finally {
            delete(copy);
        }
    }

    /** {@code helm lint --strict} of the chart with these values files and values merged over its values.yaml. */
    public static LintResult lint(Path chart, List<Path> valuesFiles, Map<String, ?> values) {
        Path copy = copyChart(chart);
        try {
            Map<String, Object> merged = readMap(chart.resolve("values.yaml"));
            for (Path file : valuesFiles) {
                merge(merged, readMap(file));
            }
            merge(merged, values);
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException("linting a copy of " + chart + ": " + e.getMessage(), e);
        } finally {
            delete(copy);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readMap(Path file) throws IOException {
        Map<String, Object> map = YAML.readValue(file.toFile(), LinkedHashMap.class);
        return map == null ? new LinkedHashMap<>() : map;
    }

    /** helm's coalescing of values: a map merges into a map key by key; any other value replaces what was there. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> into, Map<String, ?> from) {
        for (Map.Entry<String, ?> e : from.entrySet()) {
            Object old = into.get(e.getKey());
            if (old instanceof Map && e.getValue() instanceof Map) {
                Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) old);
                merge(copy, (Map<String, ?>) e.getValue());
                into.put(e.getKey(), copy);
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    private static List<Path> templates(Path chart) throws IOException {
        try (Stream<Path> files = Files.walk(chart.resolve("templates"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static Path copyChart(Path chart) {
        try {
            Path copy = Files.createTempDirectory("tabby-chart-").resolve("tabby");
            try (Stream<Path> files = Files.walk(chart)) {
                for (Path from : files.toList()) {
                    Path to = copy.resolve(chart.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + chart + " to a temporary directory: " + e.getMessage(), e);
        }
    }

    private static void delete(Path copy) {
        try (Stream<Path> files = Files.walk(copy.getParent())) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing the temporary chart " + copy + ": " + e.getMessage(), e);
        }
    }
}
