package dev.tabby.model.validation;

import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.Names;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import java.util.Map;

/**
 * Checks a whole resource: metadata rules shared by every kind, then the kind's own spec rules. Returns the resource
 * as it would be stored: defaults filled, values normalised, namespace defaulted for namespaced kinds.
 */
public final class ResourceValidator {
    public static final String DEFAULT_NAMESPACE = "default";

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
            m.at("namespace").error(kind.kindName() + " is not namespaced; remove metadata.namespace");
        }
        if (meta.resourceVersion() != null && !meta.resourceVersion().isEmpty()
                && !meta.resourceVersion().chars().allMatch(Character::isDigit)) {
            m.at("resourceVersion").error("\"" + meta.resourceVersion()
                    + "\" is not a resource version; it is the number tabbyctl get printed, or leave it out");
        }
        checkLabels(m.at("labels"), meta.labels());
        checkAnnotationKeys(m.at("annotations"), meta.annotations());
        return resource.withMetadata(meta).validated(root.at("spec"));
    }

    private static void checkName(Problems p, Kind kind, String name) {
        if (name == null || name.isEmpty()) {
            p.error("is required");
            return;
        }
        if (kind == Kind.CLUSTER_INFORMATION && !name.equals("default")) {
            p.error("\"" + name + "\" is not allowed; the one ClusterInformation is named \"default\"");
            return;
        }
        String why = Names.checkResourceName(name);
        if (why != null) {
            p.error("\"" + name + "\" " + why);
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

    private static void checkAnnotationKeys(Problems p, Map<String, String> annotations) {
        if (annotations == null) {
            return;
        }
        annotations.keySet().forEach(key -> {
            String why = Names.checkLabelKey(key);
            if (why != null) {
                p.atKey(key).error("\"" + key + "\" " + why.replace("label key", "annotation key"));
            }
        });
    }
}
