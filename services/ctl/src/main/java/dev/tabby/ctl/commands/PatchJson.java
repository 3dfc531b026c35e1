package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Patch (RFC 6902) for {@code tabbyctl patch --type json}: a list of operations (add, remove, replace, move,
 * copy, test) on paths written as JSON Pointers (RFC 6901). All operations apply or none: the first that fails
 * fails the patch, naming its index. calicoctl v3.18 lists this type as "not yet implemented".
 */
final class PatchJson {
    private PatchJson() {
    }

    static JsonNode apply(JsonNode document, JsonNode patch) {
        if (!patch.isArray()) {
            throw new IllegalArgumentException("a JSON patch (RFC 6902) must be a list of operations, not "
                    + PatchMerge.describe(patch));
        }
        JsonNode doc = document.deepCopy();
        for (int i = 0; i < patch.size(); i++) {
            try {
                doc = operation(doc, patch.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JSON patch operation " + i + ": " + e.getMessage(), e);
            }
        }
        return doc;
    }

    private static JsonNode operation(JsonNode doc, JsonNode op) {
        if (!op.isObject()) {
            throw new IllegalArgumentException("must be an object with \"op\" and \"path\", not " + PatchMerge.describe(op));
        }
        String name = text(op, "op");
        List<String> path = pointer(text(op, "path"));
        return switch (name) {
            case "add" -> add(doc, path, value(op));
            case "remove" -> remove(doc, path);
            case "replace" -> {
                get(doc, path);
                yield path.isEmpty() ? value(op) : add(remove(doc, path), path, value(op));
            }
            case "move" -> {
                List<String> from = pointer(text(op, "from"));
                if (path.size() > from.size() && path.subList(0, from.size()).equals(from)) {
                    throw new IllegalArgumentException("cannot move " + text(op, "from") + " into itself");
                }
                JsonNode moved = get(doc, from);
                yield add(remove(doc, from), path, moved);
            }
            case "copy" -> add(doc, path, get(doc, pointer(text(op, "from"))).deepCopy());
            case "test" -> {
                JsonNode actual = get(doc, path);
                if (!actual.equals(value(op))) {
                    throw new IllegalArgumentException("test failed: " + text(op, "path") + " is " + actual
                            + ", not " + value(op));
                }
                yield doc;
            }
            default -> throw new IllegalArgumentException("\"op\": \"" + name
                    + "\" is not an operation; use add, remove, replace, move, copy or test");
        };
    }

    private static String text(JsonNode op, String field) {
        JsonNode v = op.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is required and must be a string");
        }
        return v.asText();
    }

    private static JsonNode value(JsonNode op) {
        if (!op.has("value")) {
            throw new IllegalArgumentException("\"value\" is required for \"" + op.get("op").asText() + "\"");
        }
        return op.get("value").deepCopy();
    }

    /** RFC 6901: "" is the whole document; each "/"-separated token unescapes ~1 to / and ~0 to ~. */
    static List<String> pointer(String text) {
        List<String> tokens = new ArrayList<>();
        if (text.isEmpty()) {
            return tokens;
        }
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("path \"" + text + "\" is not a JSON pointer; it starts with /");
        }
        for (String t : text.substring(1).split("/", -1)) {
            tokens.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }

    private static String show(List<String> path) {
        StringBuilder sb = new StringBuilder();
        path.forEach(t -> sb.append('/').append(t.replace("~", "~0").replace("/", "~1")));
        return sb.toString();
    }

    private static JsonNode get(JsonNode doc, List<String> path) {
        JsonNode at = doc;
        for (int i = 0; i < path.size(); i++) {
            at = child(at, path.get(i), path.subList(0, i + 1));
        }
        return at;
    }

    private static JsonNode child(JsonNode node, String token, List<String> where) {
        JsonNode next = null;
        if (node.isObject()) {
            next = node.get(token);
        } else if (node.isArray()) {
            int idx = index(token, node.size() - 1, where);
            next = node.get(idx);
        }
        if (next == null) {
            throw new IllegalArgumentException("path " + show(where) + " does not exist");
        }
        return next;
    }

    private static int index(String token, int max, List<String> where) {
        if (!token.matches("0|[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("path " + show(where) + ": \"" + token + "\" is not a list index");
        }
        int i = Integer.parseInt(token);
        if (i > max) {
            throw new IllegalArgumentException("path " + show(where) + ": index " + i + " is past the end of the list");
        }
        return i;
    }

    private static JsonNode add(JsonNode doc, List<String> path, JsonNode value) {
        if (path.isEmpty()) {
            return value;
        }
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value);
        } else if (parent.isArray()) {
            ArrayNode list = (ArrayNode) parent;
            if (last.equals("-")) {
                list.add(value);
            } else {
                list.insert(index(last, list.size(), path), value);
            }
        } else {
            throw new IllegalArgumentException("path " + show(path.subList(0, path.size() - 1))
                    + " is " + PatchMerge.describe(parent) + ", not an object or a list");
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, List<String> path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the whole resource");
        }
        get(doc, path);
        JsonNode parent = get(doc, path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (parent.isObject()) {
            ((ObjectNode) parent).remove(last);
        } else {
            ((ArrayNode) parent).remove(index(last, parent.size() - 1, path));
        }
        return doc;
    }
}
