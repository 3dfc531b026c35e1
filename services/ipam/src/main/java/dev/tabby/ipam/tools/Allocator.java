package dev.tabby.ipam.tools;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.ipam.AssignedAddress;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Ipam;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.WorkloadEndpoint;
import dev.tabby.model.validation.Problems;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Plays the CNI plugin's ADD {@code --count} times on one node: assigns one IPv4 address under handle
 * {@code <prefix>-<i>}, spends {@code --setup-ms} where the plugin would create the veth and routes, writes the
 * WorkloadEndpoint that owns the address (as the plugin does), then prints {@code <address> <handle>} and flushes,
 * so whoever kills this process knows exactly which allocations it completed. etcd comes from
 * {@code TABBY_ETCD_ENDPOINTS} (and the other {@code TABBY_ETCD_*} variables).
 *
 * <pre>java ... dev.tabby.ipam.tools.Allocator --node n1 --count 200 --handle-prefix a0
 *     [--namespace ns] [--setup-ms 0] [--no-owner]</pre>
 *
 * Exit status 0 when all were assigned, 1 with a one-line reason on stderr otherwise, 2 for bad arguments.
 */
public final class Allocator {
    public static final String DEFAULT_NAMESPACE = "tabby-alloc";

    private Allocator() {
    }

    public static void main(String[] args) {
        String node = null;
        String prefix = null;
        String namespace = DEFAULT_NAMESPACE;
        int count = 1;
        long setupMillis = 0;
        boolean owner = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--node" -> node = args[++i];
                    case "--count" -> count = Integer.parseInt(args[++i]);
                    case "--handle-prefix" -> prefix = args[++i];
                    case "--namespace" -> namespace = args[++i];
                    case "--setup-ms" -> setupMillis = Long.parseLong(args[++i]);
                    case "--no-owner" -> owner = false;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (node == null || prefix == null || count < 1) {
                throw new IllegalArgumentException("--node, --handle-prefix and a --count of at least 1 are required");
            }
        } catch (RuntimeException e) {
            System.err.println("allocator: " + e.getMessage()
                    + "; usage: Allocator --node N --count C --handle-prefix P [--namespace NS] [--setup-ms MS] [--no-owner]");
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (KeyValueStore kv = KeyValueStore.connect(EtcdConfig.fromEnvironment(System.getenv()))) {
            Ipam ipam = new Ipam(kv);
            ResourceStore resources = new ResourceStore(kv);
            for (int i = 0; i < count; i++) {
                String handle = prefix + "-" + i;
                String pod = handle;
                AutoAssignRequest request = AutoAssignRequest.ipv4(node, handle, 1).withAttributes(Map.of(
                        AutoAssignRequest.ATTRIBUTE_NAMESPACE, namespace, AutoAssignRequest.ATTRIBUTE_POD, pod));
                AssignedAddress a = ipam.autoAssign(request).ipv4().get(0);
                if (setupMillis > 0) {
                    Thread.sleep(setupMillis);
                }
                if (owner) {
                    resources.create(workloadEndpoint(node, namespace, pod, handle, a));
                }
                out.println(a.address() + " " + handle);
                out.flush();
            }
        } catch (RuntimeException e) {
            out.flush();
            System.err.println("allocator: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.err.println("allocator: interrupted");
            System.exit(1);
        }
        System.exit(0);
    }

    /** The endpoint Calico's CNI plugin would write for a pod with this address. */
    public static WorkloadEndpoint workloadEndpoint(String node, String namespace, String pod, String containerId,
            AssignedAddress a) {
        String name = escape(node) + "-k8s-" + escape(pod) + "-eth0";
        WorkloadEndpoint.Spec spec = new WorkloadEndpoint.Spec("k8s", null, node, containerId, pod, "eth0",
                List.of(a.address() + (a.address().isV4() ? "/32" : "/128")), null, null, null,
                List.of("kns." + namespace), interfaceName(namespace, pod), null, null);
        WorkloadEndpoint wep = new WorkloadEndpoint(ObjectMeta.named(namespace, name), spec);
        Problems problems = new Problems();
        WorkloadEndpoint valid = wep.validated(problems);
        if (problems.hasErrors()) {
            throw new IllegalStateException("workload endpoint " + name + " is invalid: " + problems.errors());
        }
        return valid;
    }

    /** Calico's WorkloadEndpoint names double each '-' inside a component. */
    private static String escape(String part) {
        return part.replace("-", "--");
    }

    /** Calico names host-side veths {@code cali} plus the first 11 hex digits of SHA-1 of "namespace.pod". */
    private static String interfaceName(String namespace, String pod) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((namespace + "." + pod).getBytes(StandardCharsets.UTF_8));
            return "cali" + HexFormat.of().formatHex(digest).substring(0, 11);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
