package dev.tabby.model.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tabby.model.validation.Problem;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Turns Jackson's mapping exceptions into one-line problems with the field path an operator can find. */
final class JacksonErrors {
    private JacksonErrors() {
    }

    static Problem toProblem(JsonProcessingException e, JsonNode document) {
        if (!(e instanceof JsonMappingException me)) {
            return new Problem("", e.getOriginalMessage(), true);
        }
        String path = path(me.getPath());
        JsonNode value = at(document, me.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            TreeSet<String> known = new TreeSet<>();
            Collection<Object> ids = u.getKnownPropertyIds();
            if (ids != null) {
                ids.forEach(id -> known.add(String.valueOf(id)));
            }
            return new Problem(path, "unknown field \"" + u.getPropertyName() + "\"; allowed here: " + String.join(", ", known), true);
        }
        if (e instanceof ValueInstantiationException vi && vi.getCause() instanceof IllegalArgumentException iae) {
            return new Problem(path, iae.getMessage(), true);
        }
        if (e instanceof InvalidFormatException f) {
            return new Problem(path, show(value) + " is not " + describe(f.getTargetType()), true);
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            String hint = value != null && value.isNumber() && mi.getTargetType() == String.class ? "; quote it: \"" + value.asText() + "\"" : "";
            return new Problem(path, "expected " + describe(mi.getTargetType()) + ", got " + show(value) + hint, true);
        }
        Throwable cause = me.getCause();
        if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) {
            return new Problem(path, iae.getMessage(), true);
        }
        return new Problem(path, me.getOriginalMessage(), true);
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() == null) {
                if (r.getIndex() >= 0) {
                    sb.append('[').append(r.getIndex()).append(']');
                }
                continue;
            }
            String f = r.getFieldName();
            if (f.matches("[A-Za-z0-9_-]+")) {
                sb.append(sb.length() == 0 ? "" : ".").append(f);
            } else {
                sb.append("[\"").append(f).append("\"]");
            }
        }
        return sb.toString();
    }

    private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> refs) {
        JsonNode n = root;
        for (JsonMappingException.Reference r : refs) {
            if (n == null) {
                return null;
            }
            n = r.getFieldName() != null ? n.get(r.getFieldName()) : n.get(r.getIndex());
        }
        return n;
    }

    private static String show(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "nothing";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isTextual()) {
            return "\"" + value.asText() + "\"";
        }
        return value.toString();
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return "a " + type.getSimpleName();
    }
}
