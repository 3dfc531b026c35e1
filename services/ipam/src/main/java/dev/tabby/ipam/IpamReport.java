package dev.tabby.ipam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The result of {@link IpamChecker#check}: what was looked at, as of which revision, and what is wrong. */
public record IpamReport(long revision, int blocks, int allocations, int handles, int owners, List<Finding> findings) {

    public IpamReport {
        findings = List.copyOf(findings);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The report as JSON: the record's fields, findings with their kind and the fields that apply. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode IPAM report", e);
        }
    }

    public boolean clean() {
        return findings.isEmpty();
    }

    public List<Finding> of(Finding.Kind kind) {
        return findings.stream().filter(f -> f.kind() == kind).toList();
    }

    /** Findings counted by kind, for the summary line. */
    public Map<Finding.Kind, Integer> counts() {
        Map<Finding.Kind, Integer> out = new TreeMap<>();
        findings.forEach(f -> out.merge(f.kind(), 1, Integer::sum));
        return out;
    }
}
