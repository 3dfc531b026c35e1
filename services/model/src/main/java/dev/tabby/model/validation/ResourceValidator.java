package dev.tabby.model.validation;

import dev.tabby.model.Ascii;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Names;
import dev.tabby.model.v3.Node;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import java.util.Map;

/**
 * Checks a whole resource: metadata rules shared by every kind, then the kind's own spec rules. Returns the resource
 * as it would be stored: defaults filled, values normalised, namespace defaulted for namespaced kinds.
 */
public final class ResourceValidator {
    public static final String DEFAULT_NAMESPACE = "default";
    private static final String RESERVED_NAMESPACE_LABEL = "projectcalico.org/namespace";
    /** validator.go totalAnnotationSizeLimitB: keys and values together. */
    private static final long MAX_ANNOTATIONS_BYTES = 256 * 1024;

    private ResourceValidator() {
    }

    public static Resource validate(Resource resource, Problems root) {
        Kind kind = resource.kind();
        ObjectMeta meta = resource.metadata();
        Problems m = root.at("metadata");
        if (meta == null) {
            m.error("is required: every resource needs metadata.name");
            return resource;
        }
        checkName(m.at("name"), kind, meta.name());
        if (kind.namespaced()) {
            if (meta.namespace() == null || meta.namespace().isEmpty()) {
                meta = meta.withNamespace(DEFAULT_NAMESPACE);
            } else {
                String why = Names.checkNamespace(meta.namespace());
                if (why != null) {
                    m.at("namespace").error("\"" + meta.namespace() + "\" " + why);
                }
            }
        } else if (meta.namespace() != null && !meta.namespace().isEmpty()) {
            m.at("namespace").error(kind.kindName() + " is not namespaced; remove metadata.namespace (Calico:"
                    + " namespace should not be specified for a non-namespaced resource. " + kind.kindName()
                    + " is not a namespaced resource)");
        }
        if (meta.resourceVersion() != null && !meta.resourceVersion().isEmpty()
                && !Ascii.isDigits(meta.resourceVersion())) {
            m.at("resourceVersion").error("\"" + meta.resourceVersion()
                    + "\" is not a resource version; it is the number tabbyctl get printed, or leave it out");
        }
        checkLabels(m.at("labels"), meta.labels());
        checkReservedLabels(m.at("labels"), kind, meta.labels());
        checkAnnotations(m.at("annotations"), meta.annotations());
        if (resource instanceof Node node) {
            Node.checkStatus(root.at("status"), node.status());
        }
        return resource.withMetadata(meta).validated(root.at("spec"));
    }

    private static void checkName(Problems p, Kind kind, String name) {
        if (name == null || name.isEmpty()) {
            // validateObjectMeta runs the name regex on "" too. (Calico's client derives a WorkloadEndpoint's empty
            // name from its spec; Tabby asks for it.)
            p.error("is required (Calico: name must consist of lower case alphanumeric characters, '-' or '.')");
            return;
        }
        if (kind == Kind.CLUSTER_INFORMATION && !name.equals("default")) {
            p.error("\"" + name + "\" is not allowed; the one ClusterInformation is named \"default\" (Calico: Cannot"
                    + " create a Cluster Information resource with a name other than \"default\")");
            return;
        }
        // validator.go: every name is a subdomain (validateObjectMeta); policies are stricter (validateNetworkPolicy,
        // validateGlobalNetworkPolicy).
        String why = switch (kind) {
            case NETWORK_POLICY -> Names.checkNetworkPolicyName(name);
            case GLOBAL_NETWORK_POLICY -> Names.checkGlobalNetworkPolicyName(name);
            default -> Names.checkResourceName(name);
        };
        if (why != null) {
            p.error("\"" + name + "\" " + why);
        }
    }

    /**
     * validator.go validateNetworkSet / validateGlobalNetworkSet: the label Calico's v1 data model uses for a
     * namespace may not be set on a network set.
     */
    private static void checkReservedLabels(Problems p, Kind kind, Map<String, String> labels) {
        if (labels != null && (kind == Kind.NETWORK_SET || kind == Kind.GLOBAL_NETWORK_SET)
                && labels.containsKey(RESERVED_NAMESPACE_LABEL)) {
            p.atKey(RESERVED_NAMESPACE_LABEL).error("is reserved for Calico's own use; remove it (Calico: "
                    + "projectcalico.org/namespace is not a valid label name)");
        }
    }

    public static void checkLabels(Problems p, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            Problems at = p.atKey(key);
            String keyWhy = Names.checkLabelKey(key);
            if (keyWhy != null) {
                at.error("\"" + key + "\" " + keyWhy);
            }
            String valueWhy = value == null ? "is empty; write \"\" for an empty value" : Names.checkLabelValue(value);
            if (valueWhy != null) {
                at.error("\"" + value + "\" " + valueWhy);
            }
        });
    }

    /**
     * Annotations as validator.go validateObjectMetaAnnotations checks them (for metadata and rule metadata): each key
     * a qualified name once lower-cased (so upper case is allowed), and keys and values together at most 256 KiB.
     */
    public static void checkAnnotations(Problems p, Map<String, String> annotations) {
        if (annotations == null) {
            return;
        }
        long total = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String key = e.getKey();
            String why = Names.checkLabelKey(key.toLowerCase(java.util.Locale.ROOT));
            if (why != null) {
                p.atKey(key).error("\"" + key + "\" " + why.replace("label key", "annotation key"));
            }
            total += key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                    + (e.getValue() == null ? 0 : e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        if (total > MAX_ANNOTATIONS_BYTES) {
            p.error("are " + total + " bytes; keys and values together may be at most " + MAX_ANNOTATIONS_BYTES
                    + " (Calico: total size of annotations is too large by " + (total - MAX_ANNOTATIONS_BYTES) + " bytes)");
        }
    }
}
