package dev.tabby.ctl.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.resource.ResourceConflictException;
import dev.tabby.datastore.resource.ResourceExistsException;
import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.ClusterInformation;
import dev.tabby.model.v3.FelixConfiguration;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.nio.ByteBuffer;

/**
 * The cluster-wide defaults calico-node v3.18 ensures at start-up (node {@code pkg/startup/startup.go}
 * {@code ensureDefaultConfig}, libcalico-go {@code lib/clientv3/client.go} {@code ensureClusterInformation}):
 * <ul>
 * <li>ClusterInformation {@code default}: created with a new GUID (32 hex digits), this version, the cluster type and
 * {@code datastoreReady: true}; when it exists, the version is brought up to date, a missing GUID and a missing
 * datastoreReady are filled in (an explicit {@code false} stays), and this node's cluster types are added to the
 * comma-separated list;</li>
 * <li>FelixConfiguration {@code default}: {@code reportingInterval: 0s} and {@code logSeverityScreen: Info} when
 * unset;</li>
 * <li>FelixConfiguration {@code node.<name>}: {@code defaultEndpointToHostAction: Return} when unset, so that
 * workloads reach their own host unless policy says otherwise (etcd datastore only in Calico; Tabby is etcd
 * only).</li>
 * </ul>
 * Each step tolerates another node doing the same at the same moment.
 */
final class DefaultConfig {
    private static final int ATTEMPTS = 5;

    private DefaultConfig() {
    }

    static List<String> ensure(ResourceStore store, String node, String calicoVersion, String clusterType) {
        List<String> said = new ArrayList<>();
        clusterInformation(store, calicoVersion, clusterType == null ? "" : clusterType.strip(), said);
        felixDefaults(store, "default", said, "reportingInterval", "0s", "logSeverityScreen", "Info");
        felixDefaults(store, "node." + node, said, "defaultEndpointToHostAction", "Return");
        return said;
    }

    private static void clusterInformation(ResourceStore store, String version, String clusterType, List<String> said) {
        ResourceId id = new ResourceId(Kind.CLUSTER_INFORMATION, null, "default");
        for (int attempt = 1; ; attempt++) {
            Optional<ClusterInformation> current = store.getLenient(id).map(s -> (ClusterInformation) s.resource());
            try {
                if (current.isEmpty()) {
                    store.create(new ClusterInformation(ObjectMeta.named("default"),
                            new ClusterInformation.Spec(newGuid(), clusterType.isEmpty() ? null : clusterType, version, true, null)));
                    said.add("ClusterInformation default created");
                    return;
                }
                ClusterInformation ci = current.get();
                ClusterInformation.Spec s = ci.spec() == null ? new ClusterInformation.Spec(null, null, null, null, null) : ci.spec();
                ClusterInformation.Spec wanted = new ClusterInformation.Spec(
                        s.clusterGUID() == null || s.clusterGUID().isEmpty() ? newGuid() : s.clusterGUID(),
                        mergedTypes(s.clusterType(), clusterType),
                        version,
                        s.datastoreReady() == null ? Boolean.TRUE : s.datastoreReady(),
                        s.variant());
                if (!wanted.equals(s)) {
                    store.update(new ClusterInformation(ci.metadata(), wanted));
                    said.add("ClusterInformation default updated");
                }
                return;
            } catch (ResourceExistsException | ResourceConflictException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** The stored comma-separated types with this node's added after them, each once, in order. */
    static String mergedTypes(String stored, String local) {
        if (local.isEmpty()) {
            return stored;
        }
        if (stored == null || stored.isEmpty()) {
            return local;
        }
        Set<String> all = new LinkedHashSet<>(Arrays.asList(stored.split(",")));
        all.addAll(Arrays.asList(local.split(",")));
        return String.join(",", all);
    }

    /** Calico's GUID: the 16 bytes of a random UUID as hex, no dashes. */
    private static String newGuid() {
        UUID u = UUID.randomUUID();
        return HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    /** Creates the FelixConfiguration with the given fields, or sets those of them it leaves unset. */
    private static void felixDefaults(ResourceStore store, String name, List<String> said, String... fieldsAndValues) {
        ResourceId id = new ResourceId(Kind.FELIX_CONFIGURATION, null, name);
        for (int attempt = 1; ; attempt++) {
            Optional<Resource> current = store.getLenient(id).map(s -> s.resource());
            ObjectNode tree = current.map(ResourceCodec::toTree).orElseGet(() -> ResourceCodec.toTree(
                    new FelixConfiguration(ObjectMeta.named(name), null)));
            ObjectNode spec = tree.has("spec") && tree.get("spec").isObject() ? (ObjectNode) tree.get("spec") : tree.putObject("spec");
            List<String> set = new ArrayList<>();
            for (int i = 0; i < fieldsAndValues.length; i += 2) {
                if (!spec.hasNonNull(fieldsAndValues[i]) || spec.get(fieldsAndValues[i]).asText().isEmpty()) {
                    spec.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
                    set.add(fieldsAndValues[i] + ": " + fieldsAndValues[i + 1]);
                }
            }
            if (set.isEmpty()) {
                return;
            }
            Resource wanted = ResourceCodec.read(ResourceCodec.toJson(tree)).resources().get(0);
            try {
                if (current.isEmpty()) {
                    store.create(wanted);
                    said.add("FelixConfiguration " + name + " created (" + String.join(", ", set) + ")");
                } else {
                    store.update(wanted);
                    said.add("FelixConfiguration " + name + " updated (" + String.join(", ", set) + ")");
                }
                return;
            } catch (ResourceExistsException | ResourceConflictException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
