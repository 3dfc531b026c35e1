package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two merge patches of {@code tabbyctl patch}: JSON Merge Patch (RFC 7386) and the strategic merge patch that
 * calicoctl v3.18 always performs (calicoctl/resourcemgr/resourcemgr.go Patch, through Kubernetes'
 * strategicpatch.StrategicMergePatch). Calico's v3 types carry no {@code patchStrategy} tags, so a strategic merge on
 * them is a merge patch (objects merge key by key, {@code null} removes a key, a list is replaced whole) plus the
 * strategic directives on objects: {@code $patch: replace|delete|merge}, {@code $retainKeys},
 * {@code $deleteFromPrimitiveList/<key>} and {@code $setElementOrder/<key>} (the last is only an ordering hint).
 */
final class PatchMerge {
    private static final String DIRECTIVE = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder/";

    private PatchMerge() {
    }

    /** RFC 7386 section 2, MergePatch(Target, Patch). {@code target} is not changed; the result is a new tree. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode out = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
                : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
            }
        }
        return out;
    }

    /** A strategic merge patch on a type without patch strategies; {@code original} is not changed. */
    static JsonNode strategicPatch(JsonNode original, JsonNode patch) {
        if (!patch.isObject()) {
            throw new IllegalArgumentException("a strategic merge patch must be a JSON object, not " + describe(patch));
        }
        return strategicMap(original != null && original.isObject() ? (ObjectNode) original : JsonNodeFactory.instance.objectNode(),
                (ObjectNode) patch);
    }

    private static ObjectNode strategicMap(ObjectNode original, ObjectNode patch) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            String d = directive.isTextual() ? directive.asText() : String.valueOf(directive);
            switch (d) {
                case "replace" -> {
                    ObjectNode replaced = patch.deepCopy();
                    replaced.remove(DIRECTIVE);
                    return stripDirectives(replaced);
                }
                case "delete" -> {
                    return patch.objectNode();
                }
                case "merge" -> {
                    // a plain merge, below
                }
                default -> throw new IllegalArgumentException("unknown patch directive \"" + d
                        + "\" in " + DIRECTIVE + "; use replace, delete or merge");
            }
        }
        ObjectNode out = original.deepCopy();
        JsonNode retain = patch.get(RETAIN_KEYS);
        if (retain != null) {
            if (!retain.isArray()) {
                throw new IllegalArgumentException(RETAIN_KEYS + " must be a list of keys, not " + describe(retain));
            }
            Set<String> keep = new HashSet<>();
            retain.forEach(k -> keep.add(k.asText()));
            out.retain(keep);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals(DIRECTIVE) || key.equals(RETAIN_KEYS) || key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deleteFromList(out, key.substring(DELETE_FROM_PRIMITIVE_LIST.length()), value);
                continue;
            }
            JsonNode current = out.get(key);
            if (value.isNull()) {
                out.remove(key);
            } else if (value.isObject() && current != null && current.isObject()) {
                out.set(key, strategicMap((ObjectNode) current, (ObjectNode) value));
            } else if (value.isObject()) {
                out.set(key, strategicMap(patch.objectNode(), (ObjectNode) value));
            } else {
                out.set(key, stripDirectives(value.deepCopy()));
            }
        }
        return out;
    }

    private static void deleteFromList(ObjectNode target, String key, JsonNode values) {
        if (!values.isArray()) {
            throw new IllegalArgumentException(DELETE_FROM_PRIMITIVE_LIST + key + " must be a list, not " + describe(values));
        }
        JsonNode list = target.get(key);
        if (list == null || !list.isArray()) {
            return;
        }
        List<JsonNode> drop = new ArrayList<>();
        values.forEach(drop::add);
        ArrayNode kept = target.arrayNode();
        list.forEach(v -> {
            if (!drop.contains(v)) {
                kept.add(v);
            }
        });
        target.set(key, kept);
    }

    /** A replaced value keeps no directive keys: they are instructions, never data. */
    private static <T extends JsonNode> T stripDirectives(T node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> directives = new ArrayList<>();
            o.fieldNames().forEachRemaining(k -> {
                if (k.equals(DIRECTIVE) || k.equals(RETAIN_KEYS) || k.startsWith(SET_ELEMENT_ORDER)
                        || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                    directives.add(k);
                }
            });
            o.remove(directives);
            o.forEach(PatchMerge::stripDirectives);
        } else if (node.isArray()) {
            node.forEach(PatchMerge::stripDirectives);
        }
        return node;
    }

    static String describe(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isNull() ? "null" : "an object";
    }
}
