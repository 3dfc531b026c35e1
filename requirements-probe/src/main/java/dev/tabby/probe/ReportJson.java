package dev.tabby.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The report as JSON, in the shape: {@code {"node", "time", "checks": [{"id", "status", "observed",
 * "required", "remedy"}], "summary": {"pass", "warn", "fail", "skip", "result", "modes", "viability"}}}.
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    public static ObjectNode tree(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("node", report.node());
        root.put("time", report.time().toString());
        ArrayNode checks = root.putArray("checks");
        for (CheckResult c : report.checks()) {
            ObjectNode n = checks.addObject();
            n.put("id", c.id());
            n.put("status", c.status().label());
            n.put("observed", c.observed());
            n.put("required", c.required());
            n.put("remedy", c.remedy());
        }
        ObjectNode summary = root.putObject("summary");
        for (Status s : Status.values()) {
            summary.put(s.label(), report.count(s));
        }
        summary.put("result", report.failed() ? "fail" : "pass");
        ArrayNode modes = summary.putArray("modes");
        for (Mode m : Mode.values()) {
            if (report.modes().contains(m)) {
                modes.add(m.label());
            }
        }
        ObjectNode viability = summary.putObject("viability");
        for (Map.Entry<Mode, String> e : report.viability().entrySet()) {
            viability.put(e.getKey().label(), e.getValue());
        }
        return root;
    }

    public static String write(Report report) {
        try {
            return MAPPER.writeValueAsString(tree(report));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses JSON written by {@link #write} (for consumers of stored reports). */
    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a probe report: " + e.getOriginalMessage(), e);
        }
    }
}
