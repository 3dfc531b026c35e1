package dev.tabby.datastore;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.resource.ResourceRefusedException;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Calico's client does to every WorkloadEndpoint it writes (libcalico-go release-v3.18
 * lib/clientv3/workloadendpoint.go): the name must be the one the spec's identifiers give
 * (lib/names/workloadendpoint.go CalculateWorkloadEndpointName: {@code <node>-<orchestrator>-<pod | containerID |
 * workload>-<endpoint>}, each part's '-' doubled), and the labels {@code projectcalico.org/namespace} and
 * {@code projectcalico.org/orchestrator} are set from the namespace and the spec (updateLabelsForStorage).
 */
final class WorkloadEndpointRules {
    static final String NAMESPACE_LABEL = "projectcalico.org/namespace";
    static final String ORCHESTRATOR_LABEL = "projectcalico.org/orchestrator";

    private WorkloadEndpointRules() {
    }

    static WorkloadEndpoint beforeWrite(WorkloadEndpoint w) {
        ResourceId id = ResourceId.of(w);
        WorkloadEndpoint.Spec s = w.spec();
        List<String> problems = new ArrayList<>();
        String expected = expectedName(s, problems);
        if (expected != null && !expected.equals(w.metadata().name())) {
            problems.add("metadata.name: the WorkloadEndpoint name does not match the primary identifiers assigned in"
                    + " the Spec: expected name " + expected);
        }
        if (!problems.isEmpty()) {
            throw new ResourceRefusedException(id, problems);
        }
        Map<String, String> labels = new LinkedHashMap<>(w.metadata().labelsOrEmpty());
        labels.put(NAMESPACE_LABEL, w.metadata().namespace());
        labels.put(ORCHESTRATOR_LABEL, s.orchestrator());
        return new WorkloadEndpoint(w.metadata().withLabels(labels), s);
    }

    /** The name Calico computes from the spec, or null with the reasons added to {@code problems}. */
    static String expectedName(WorkloadEndpoint.Spec s, List<String> problems) {
        if (s == null || s.node() == null || s.node().isEmpty()) {
            problems.add("spec.node: field should be assigned");
            return null;
        }
        String orch = s.orchestrator() == null ? "" : s.orchestrator();
        String[][] segments = {
            {"node", s.node()},
            {"orchestrator", orch},
            switch (orch) {
                case "k8s" -> new String[] {"pod", s.pod()};
                case "cni" -> new String[] {"containerID", s.containerID()};
                case "libnetwork" -> new String[] {"orchestrator", orch};
                default -> new String[] {"workload", s.workload()};
            },
            {"endpoint", s.endpoint()},
        };
        List<String> parts = new ArrayList<>();
        for (String[] seg : segments) {
            String field = seg[0];
            String value = seg[1];
            if (value == null || value.isEmpty()) {
                problems.add("spec." + field + ": field should be assigned");
                return null;
            }
            if (value.startsWith("-")) {
                problems.add("spec." + field + ": field must not begin with a '-'");
                return null;
            }
            if (value.endsWith("-")) {
                problems.add("spec." + field + ": field must not end with a '-'");
                return null;
            }
            parts.add(value.replace("-", "--"));
        }
        return String.join("-", parts);
    }
}
