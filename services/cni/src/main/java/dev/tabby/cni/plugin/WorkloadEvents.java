package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.events.EventSink;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.v3.WorkloadEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CNI plugin's events (issue 15), about the WorkloadEndpoint as {@code <namespace>/<name>}: {@code
 * workload.added} once an ADD has finished, {@code workload.deleted} once a DEL has, {@code workload.add-failed} with
 * the CNI error the runtime got (its code, msg and details). One event per call, after the work: nothing waits on it.
 */
final class WorkloadEvents {
    private WorkloadEvents() {
    }

    static void added(EventSink sink, Workload w, String hostVeth, List<Cidr> addresses, String policy) {
        Map<String, Object> d = workload(w);
        d.put("interface", hostVeth);
        d.put("ips", addresses.stream().map(Cidr::toString).toList());
        d.put("policy", policy);
        sink.emit("workload.added", subject(w), d);
    }

    static void deleted(EventSink sink, Workload w, boolean interfaceRemoved, Optional<WorkloadEndpoint> endpoint) {
        Map<String, Object> d = workload(w);
        List<String> ips = endpoint.map(e -> e.spec() == null || e.spec().ipNetworks() == null
                ? List.<String>of() : e.spec().ipNetworks()).orElse(List.of());
        d.put("ips", ips);
        d.put("interfaceRemoved", interfaceRemoved);
        d.put("endpointDeleted", endpoint.isPresent());
        sink.emit("workload.deleted", subject(w), d);
    }

    /**
     * An ADD that failed, with what the runtime was told. {@code w} is null when the call failed before the workload
     * was known (a bad environment or configuration): then the container id, and the pod when CNI_ARGS names it.
     */
    static void addFailed(EventSink sink, Workload w, Map<String, String> callEnv, CniError error) {
        Map<String, Object> d;
        String subject;
        if (w != null) {
            d = workload(w);
            subject = subject(w);
        } else {
            d = new LinkedHashMap<>();
            String container = callEnv.getOrDefault("CNI_CONTAINERID", "");
            d.put("containerId", container);
            Map<String, String> args = podArgs(callEnv);
            if (args.containsKey(CniEnv.K8S_POD_NAME)) {
                d.put("namespace", args.getOrDefault(CniEnv.K8S_POD_NAMESPACE, ""));
                d.put("pod", args.get(CniEnv.K8S_POD_NAME));
            }
            subject = container.isEmpty() ? null : container;
        }
        d.put("code", error.code());
        d.put("msg", error.msg());
        d.put("details", error.details() == null ? "" : error.details());
        sink.emit("workload.add-failed", subject, d);
    }

    private static Map<String, Object> workload(Workload w) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("containerId", w.containerId());
        d.put("namespace", w.namespace());
        if (w.pod() != null) {
            d.put("pod", w.pod());
        }
        d.put("endpoint", w.endpointName());
        d.put("node", w.node());
        d.put("network", w.network());
        return d;
    }

    private static String subject(Workload w) {
        return w.namespace() + "/" + w.endpointName();
    }

    /** CNI_ARGS ({@code K=V;K=V}) as far as it parses; a bad one was the call's failure, not this event's. */
    private static Map<String, String> podArgs(Map<String, String> callEnv) {
        Map<String, String> out = new LinkedHashMap<>();
        String args = callEnv.get("CNI_ARGS");
        if (args == null) {
            return out;
        }
        for (String pair : args.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return out;
    }
}
