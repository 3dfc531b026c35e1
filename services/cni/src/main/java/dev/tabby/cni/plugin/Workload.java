package dev.tabby.cni.plugin;

import dev.tabby.cni.spec.CniEnv;
import dev.tabby.cni.spec.CniError;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.model.v3.Names;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is being attached, and every name Calico derives from that: the WorkloadEndpoint's name, namespace, labels
 * and profiles, the host-side veth name and the IPAM handle.
 *
 * @param orchestrator {@code k8s} when CNI_ARGS name a pod, else {@code cni}
 * @param namespace    the pod's namespace, or {@code default} outside Kubernetes (as Calico does)
 * @param pod          the pod's name; null outside Kubernetes
 * @param endpoint     CNI_IFNAME, the interface inside the container
 */
public record Workload(String network, String node, String orchestrator, String namespace, String pod,
                       String containerId, String endpoint, String serviceAccount) {

    public static final String K8S = "k8s";
    public static final String CNI = "cni";
    public static final String LABEL_NAMESPACE = "projectcalico.org/namespace";
    public static final String LABEL_ORCHESTRATOR = "projectcalico.org/orchestrator";
    public static final String LABEL_SERVICE_ACCOUNT = "projectcalico.org/serviceaccount";
    /** Without the Kubernetes API Tabby cannot look the pod's service account up; every pod has this one. */
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";

    public static Workload of(String network, String node, CniEnv env) {
        if (env.isKubernetes()) {
            String sa = env.serviceAccount() == null ? DEFAULT_SERVICE_ACCOUNT : env.serviceAccount();
            return new Workload(network, node, K8S, env.podNamespace(), env.podName(), env.containerId(), env.ifName(), sa);
        }
        return new Workload(network, node, CNI, "default", null, env.containerId(), env.ifName(), null);
    }

    public boolean isKubernetes() {
        return K8S.equals(orchestrator);
    }

    /**
     * Calico's name: {@code <node>-k8s-<pod>-<endpoint>} or {@code <node>-cni-<containerID>-<endpoint>}, each part
     * with its '-' doubled so the parts can be told apart again.
     */
    public String endpointName() {
        String workloadPart = isKubernetes() ? pod : containerId;
        return escape(node) + "-" + orchestrator + "-" + escape(workloadPart) + "-" + escape(endpoint);
    }

    /**
     * {@code cali} + the first 11 hex digits of sha1("namespace.pod") for pods (Calico's VethNameForWorkload), or of
     * the container ID otherwise: 15 characters, the kernel's limit.
     */
    public String hostVethName() {
        String key = isKubernetes() ? namespace + "." + pod : containerId;
        return vethNameFor(key);
    }

    static String vethNameFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
            return "cali" + HexFormat.of().formatHex(digest).substring(0, 11);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Calico's IPAM handle: {@code <network name>.<container id>}. */
    public String ipamHandle() {
        return network + "." + containerId;
    }

    /** What IPAM records with each address, as calico-ipam does. */
    public Map<String, String> ipamAttributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put(AutoAssignRequest.ATTRIBUTE_NODE, node);
        if (isKubernetes()) {
            a.put(AutoAssignRequest.ATTRIBUTE_NAMESPACE, namespace);
            a.put(AutoAssignRequest.ATTRIBUTE_POD, pod);
        }
        return a;
    }

    /**
     * {@code projectcalico.org/namespace} and {@code projectcalico.org/orchestrator} on every WorkloadEndpoint, as
     * libcalico-go's client sets them on each write (lib/clientv3/workloadendpoint.go updateLabelsForStorage); a pod's
     * also {@code projectcalico.org/serviceaccount}, as the pod conversion adds it
     * (lib/backend/k8s/conversion/workload_endpoint_default.go).
     */
    public Map<String, String> labels() {
        Map<String, String> l = new LinkedHashMap<>();
        l.put(LABEL_NAMESPACE, namespace);
        l.put(LABEL_ORCHESTRATOR, orchestrator);
        if (isKubernetes()) {
            l.put(LABEL_SERVICE_ACCOUNT, serviceAccount);
        }
        return l;
    }

    /**
     * Pods get {@code kns.<namespace>} and {@code ksa.<namespace>.<serviceaccount>}; other workloads the network's
     * name, the Profile Calico's plugin creates for the network (pkg/plugin/plugin.go cmdAdd: profileID := conf.Name).
     */
    public List<String> profiles() {
        if (isKubernetes()) {
            return List.of("kns." + namespace, "ksa." + namespace + "." + serviceAccount);
        }
        return List.of(network);
    }

    /**
     * Refuses identities that would make an invalid WorkloadEndpoint, before anything is created, naming the input
     * that is at fault.
     */
    public void validate() {
        checkPart(node, "the node name", "nodename in the network configuration (or TABBY_NODENAME)", CniError.INVALID_NETWORK_CONFIG);
        if (isKubernetes()) {
            checkPart(pod, "the pod name", "K8S_POD_NAME in CNI_ARGS", CniError.INVALID_ENVIRONMENT);
            String why = Names.checkNamespace(namespace);
            if (why != null) {
                throw new CniError(CniError.INVALID_ENVIRONMENT, "K8S_POD_NAMESPACE=\"" + namespace + "\" " + why);
            }
            if (Names.checkLabelValue(serviceAccount) != null || Names.checkResourceName(serviceAccount) != null) {
                throw new CniError(CniError.INVALID_ENVIRONMENT, "K8S_POD_SERVICE_ACCOUNT=\"" + serviceAccount
                        + "\" is not a service account name; use lower-case letters, digits, '-' and '.'");
            }
        } else {
            checkPart(containerId, "the container ID", "CNI_CONTAINERID", CniError.INVALID_ENVIRONMENT);
            String why = Names.checkResourceName(network);
            if (why != null) {
                throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the network name \"" + network + "\" " + why
                        + "; outside Kubernetes it names the workload's Profile, as with Calico's plugin");
            }
        }
        checkPart(endpoint, "the interface name", "CNI_IFNAME", CniError.INVALID_ENVIRONMENT);
        String why = Names.checkResourceName(endpointName());
        if (why != null) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "the WorkloadEndpoint name \"" + endpointName() + "\" " + why);
        }
    }

    private static void checkPart(String value, String what, String source, int code) {
        if (value == null || value.isEmpty()) {
            throw new CniError(code, what + " is empty; set " + source);
        }
        if (value.startsWith("-") || value.endsWith("-")) {
            throw new CniError(code, what + " \"" + value + "\" (" + source
                    + ") starts or ends with '-', which Calico's WorkloadEndpoint names do not allow");
        }
        String why = Names.checkResourceName(value);
        if (why != null) {
            throw new CniError(code, what + " \"" + value + "\" (" + source + ") cannot be part of a WorkloadEndpoint name: " + why);
        }
    }

    static String escape(String part) {
        return part.replace("-", "--");
    }
}
