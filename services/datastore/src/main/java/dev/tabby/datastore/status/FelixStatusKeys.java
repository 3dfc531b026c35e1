package dev.tabby.datastore.status;

/**
 * The etcd keys Felix v3.18 writes its reports under, so tools that read Calico's (calicoctl, dashboards) find ours
 * at the same place. From libcalico-go release-v3.18 lib/backend/model: statusreports.go (ActiveStatusReportKey,
 * written with a TTL while Felix runs), workloadendpointstatus.go and hostendpointstatus.go (value
 * {@code {"status":"up"|"down"|"error"}}), name.go escapeName and region.go RegionString (no OpenStack region:
 * {@code no-region}).
 */
public final class FelixStatusKeys {
    /** libcalico-go model.NoRegion: the region string when FelixConfiguration sets no OpenStack region. */
    public static final String NO_REGION = "no-region";

    private FelixStatusKeys() {
    }

    /** Present (with a lease) while the node's policy renderer runs: {@code /calico/felix/v2/no-region/host/<node>/status}. */
    public static String activeStatusReport(String node) {
        return "/calico/felix/v2/" + NO_REGION + "/host/" + node + "/status";
    }

    /** Written on every report, no lease: {@code /calico/felix/v2/no-region/host/<node>/last_reported_status}. */
    public static String lastStatusReport(String node) {
        return "/calico/felix/v2/" + NO_REGION + "/host/" + node + "/last_reported_status";
    }

    /** One workload endpoint's status: {@code /calico/felix/v2/no-region/host/<node>/workload/<orch>/<workload>/endpoint/<ep>}. */
    public static String workloadEndpointStatus(String node, String orchestrator, String workload, String endpoint) {
        return "/calico/felix/v2/" + NO_REGION + "/host/" + node + "/workload/" + escapeName(orchestrator) + "/"
                + escapeName(workload) + "/endpoint/" + escapeName(endpoint);
    }

    /**
     * The status key Felix uses for the WorkloadEndpoint {@code namespace/name}: Felix reads node, orchestrator,
     * workload and endpoint from the name, not the spec (libcalico-go syncersv1/updateprocessors
     * workloadendpointprocessor.go: names.ExtractDashSeparatedParms(name, 4), workload = namespace + "/" + part 3).
     * Empty when the name is not four dash-separated parts; Felix ignores such an endpoint.
     */
    public static java.util.Optional<String> forWorkloadEndpoint(String namespace, String name) {
        java.util.List<String> parts = dashSeparatedParts(name, 4);
        if (parts == null || namespace == null || namespace.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(workloadEndpointStatus(parts.get(0), parts.get(1), namespace + "/" + parts.get(2),
                parts.get(3)));
    }

    /** libcalico-go names.ExtractDashSeparatedParms: split at single dashes, "--" stands for a dash in a part. */
    static java.util.List<String> dashSeparatedParts(String name, int count) {
        if (name == null || name.length() < 2 * count - 1) {
            return null;
        }
        java.util.List<String> parts = new java.util.ArrayList<>();
        int lastDash = -1;
        for (int i = 1; i < name.length(); i++) {
            if (name.charAt(i) != '-') {
                continue;
            }
            if (i < name.length() - 1 && name.charAt(i + 1) == '-') {
                i++;
                continue;
            }
            parts.add(name.substring(lastDash + 1, i).replace("--", "-"));
            lastDash = i;
        }
        parts.add(name.substring(lastDash + 1).replace("--", "-"));
        return parts.size() == count ? parts : null;
    }

    /** Every workload endpoint status of one node, for listing and clean-up. */
    public static String workloadEndpointStatusPrefix(String node) {
        return "/calico/felix/v2/" + NO_REGION + "/host/" + node + "/workload/";
    }

    /** One host endpoint's status: {@code /calico/felix/v1/host/<node>/endpoint/<name>} (v1, as in v3.18). */
    public static String hostEndpointStatus(String node, String endpointName) {
        return "/calico/felix/v1/host/" + node + "/endpoint/" + escapeName(endpointName);
    }

    public static String hostEndpointStatusPrefix(String node) {
        return "/calico/felix/v1/host/" + node + "/endpoint/";
    }

    /** The value of an endpoint status key: {@code {"status":"up"}} (libcalico-go WorkloadEndpointStatus). */
    public static String endpointStatusValue(String status) {
        return "{\"status\":\"" + status + "\"}";
    }

    /** The {@code status} of an endpoint status value, or null when it is missing or not that JSON. */
    public static String endpointStatusOf(String value) {
        if (value == null) {
            return null;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(value);
            com.fasterxml.jackson.databind.JsonNode s = n == null ? null : n.get("status");
            return s != null && s.isTextual() ? s.asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** libcalico-go model/name.go escapeName: '%' then '/' escaped, so a name is one key segment. */
    public static String escapeName(String name) {
        return name.replace("%", "%25").replace("/", "%2f");
    }
}
