package dev.tabby.model.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tabby.model.v3.Kind;
import dev.tabby.model.v3.ObjectMeta;
import dev.tabby.model.v3.Resource;
import dev.tabby.model.validation.Problem;
import dev.tabby.model.validation.Problems;
import dev.tabby.model.validation.ResourceValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes Calico v3 resources in calicoctl's YAML and JSON: multi-document YAML, concatenated JSON, and
 * {@code List} / {@code <Kind>List} documents. Reading validates everything before returning anything.
 */
public final class ResourceCodec {
    private ResourceCodec() {
    }

    /**
     * Parses and validates a whole manifest. Throws {@link ManifestException} listing every problem in every
     * document when any document is bad, so that a caller writes all of it or nothing.
     */
    public static Manifest read(String text) {
        return read(text, null);
    }

    /**
     * As {@link #read(String)}, with the namespace given on the command line ({@code -n}), applied as calicoctl's
     * handleNamespace (calicoctl/commands/common/resources.go) applies it: a namespaced resource without a namespace
     * takes it, one with another namespace is refused, and a kind that has no namespace is refused.
     */
    public static Manifest read(String text, String cliNamespace) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Resource> resources = new ArrayList<>();
        List<RawDocument> docs = split(text);
        for (RawDocument doc : docs) {
            Problems problems = new Problems();
            if (cliNamespace != null) {
                applyNamespace(doc.node(), cliNamespace, problems);
            }
            // The document's tree names its kind in the messages below: bind a copy.
            Optional<Resource> r = decode(doc.node(), doc.fromYaml() ? Mappers.JSON_FROM_YAML : Mappers.JSON, true, problems,
                    true);
            String where = doc.describe(r.map(Resource::name).orElse(nameOf(doc.node())));
            for (Problem p : problems.all()) {
                (p.fatal() ? errors : warnings).add(where + ": " + p);
            }
            r.ifPresent(resources::add);
        }
        if (!errors.isEmpty()) {
            throw new ManifestException(errors);
        }
        if (resources.isEmpty()) {
            throw new ManifestException(List.of("the manifest holds no resources"));
        }
        return new Manifest(resources, warnings);
    }

    /** One document, or one item of a List document, with where it stood in the text. */
    private record RawDocument(int index, int item, int line, JsonNode node, boolean fromYaml) {
        String describe(String name) {
            StringBuilder sb = new StringBuilder("document ").append(index);
            if (item > 0) {
                sb.append(" item ").append(item);
            }
            String kind = node.path("kind").isTextual() ? node.path("kind").asText() : null;
            if (kind != null || name != null) {
                sb.append(" (");
                if (kind != null) {
                    sb.append(kind);
                }
                if (name != null) {
                    sb.append(kind != null ? " " : "").append('"').append(name).append('"');
                }
                sb.append(')');
            }
            if (line > 0) {
                sb.append(" at line ").append(line);
            }
            return sb.toString();
        }
    }

    private static String nameOf(JsonNode node) {
        JsonNode n = node.path("metadata").path("name");
        return n.isTextual() ? n.asText() : null;
    }

    private static List<RawDocument> split(String text) {
        String trimmed = text.stripLeading();
        ObjectMapper mapper = trimmed.startsWith("{") || trimmed.startsWith("[") ? Mappers.JSON : Mappers.YAML;
        List<RawDocument> out = new ArrayList<>();
        try (JsonParser parser = mapper.createParser(text)) {
            int index = 0;
            while (true) {
                JsonToken token;
                try {
                    token = parser.nextToken();
                } catch (JsonProcessingException e) {
                    throw syntax(index + 1, e);
                }
                if (token == null) {
                    break;
                }
                index++;
                JsonLocation at = parser.currentTokenLocation();
                JsonNode node;
                try {
                    node = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(parser);
                } catch (JsonProcessingException e) {
                    throw syntax(index, e);
                }
                if (node == null || node.isNull() || node.isMissingNode()) {
                    index--; // an empty document between two "---" is not a document
                    continue;
                }
                addDocument(out, index, (int) at.getLineNr(), node, mapper == Mappers.YAML);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static ManifestException syntax(int document, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " at line " + loc.getLineNr() + " column " + loc.getColumnNr();
        String msg = e.getOriginalMessage().lines().findFirst().orElse("unreadable");
        return new ManifestException(List.of("document " + document + where + ": not valid YAML or JSON: " + msg));
    }

    private static void addDocument(List<RawDocument> out, int index, int line, JsonNode node, boolean fromYaml) {
        if (node.isArray()) {
            // A JSON array of resources, as some tools write: each element is an item.
            for (int i = 0; i < node.size(); i++) {
                out.add(new RawDocument(index, i + 1, line, node.get(i), fromYaml));
            }
            return;
        }
        String kind = node.path("kind").asText("");
        if (node.isObject() && (kind.equals("List") || (kind.endsWith("List") && node.has("items")))) {
            JsonNode items = node.path("items");
            if (!items.isArray()) {
                out.add(new RawDocument(index, 0, line, node, fromYaml)); // decode() reports the missing items
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                out.add(new RawDocument(index, i + 1, line, items.get(i), fromYaml));
            }
            return;
        }
        out.add(new RawDocument(index, 0, line, node, fromYaml));
    }

    /**
     * Decodes one document's tree into a resource, validated when {@code validate}, reporting problems at their
     * field paths. Unless {@code keepTree}, the tree is the caller's no more: its apiVersion and kind are removed in
     * place.
     */
    private static Optional<Resource> decode(JsonNode node, com.fasterxml.jackson.databind.ObjectMapper mapper,
                                             boolean keepTree, Problems problems, boolean validate) {
        if (!node.isObject()) {
            problems.error("expected a mapping with apiVersion, kind, metadata and spec");
            return Optional.empty();
        }
        JsonNode apiVersion = node.get("apiVersion");
        if (apiVersion == null || !apiVersion.isTextual()) {
            problems.at("apiVersion").error("is required: use " + Resource.API_VERSION);
        } else if (!apiVersion.asText().equals(Resource.API_VERSION)) {
            problems.at("apiVersion").error("\"" + apiVersion.asText() + "\" is not supported; use " + Resource.API_VERSION);
        }
        JsonNode kindNode = node.get("kind");
        if (kindNode == null || !kindNode.isTextual()) {
            problems.at("kind").error("is required; one of " + Kind.allKindNames());
            return Optional.empty();
        }
        String kindName = kindNode.asText();
        if (kindName.endsWith("List")) {
            problems.at("items").error("is required in a " + kindName + " and must be a list of resources");
            return Optional.empty();
        }
        Optional<Kind> kind = Kind.byKindName(kindName);
        if (kind.isEmpty()) {
            problems.at("kind").error("\"" + kindName + "\" is not a kind Tabby knows; one of " + Kind.allKindNames());
            return Optional.empty();
        }
        if (problems.hasErrors()) {
            return Optional.empty();
        }
        ObjectNode body = keepTree ? ((ObjectNode) node).deepCopy() : (ObjectNode) node;
        body.remove("apiVersion");
        body.remove("kind");
        Resource r;
        try {
            r = mapper.treeToValue(body, kind.get().type());
        } catch (JsonProcessingException e) {
            Problem p = JacksonErrors.toProblem(e, body);
            problems.at(p.path()).error(p.message());
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            problems.error(e.getMessage());
            return Optional.empty();
        }
        if (!validate) {
            return Optional.of(r);
        }
        Resource validated = ResourceValidator.validate(r, problems);
        return problems.hasErrors() ? Optional.empty() : Optional.of(validated);
    }

    private static void applyNamespace(JsonNode node, String cliNamespace, Problems problems) {
        Optional<Kind> kind = node.path("kind").isTextual() ? Kind.byKindName(node.path("kind").asText()) : Optional.empty();
        if (kind.isEmpty() || !node.isObject()) {
            return; // decode() names what is wrong with the document
        }
        if (!kind.get().namespaced()) {
            problems.at("metadata.namespace").error(kind.get().kindName() + " is not namespaced; leave out -n");
            return;
        }
        JsonNode meta = node.path("metadata");
        if (!meta.isObject()) {
            return;
        }
        String own = meta.path("namespace").isTextual() ? meta.path("namespace").asText() : "";
        if (own.isEmpty()) {
            ((ObjectNode) meta).put("namespace", cliNamespace);
        } else if (!own.equals(cliNamespace)) {
            problems.at("metadata.namespace").error("resource namespace does not match client namespace. " + own
                    + " != " + cliNamespace);
        }
    }

    // ---- writing ----

    /** The resource as a tree: apiVersion, kind, then its fields, empty ones left out. */
    public static ObjectNode toTree(Resource r) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("apiVersion", Resource.API_VERSION);
        out.put("kind", r.kind().kindName());
        out.setAll((ObjectNode) Mappers.JSON.valueToTree(r));
        return out;
    }

    /** Several resources as calicoctl prints them: a {@code <Kind>List}, or a {@code List} of mixed kinds. */
    public static ObjectNode toListTree(List<? extends Resource> resources, Kind kind, String listRevision) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("apiVersion", Resource.API_VERSION);
        ArrayNode items = out.putArray("items");
        resources.forEach(r -> items.add(toTree(r)));
        out.put("kind", kind == null ? "List" : kind.listKindName());
        ObjectNode meta = out.putObject("metadata");
        if (listRevision != null) {
            meta.put("resourceVersion", listRevision);
        }
        return out;
    }

    public static String toYaml(JsonNode tree) {
        try {
            return Mappers.YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write YAML: " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(JsonNode tree) {
        try {
            return Mappers.JSON.writer(Mappers.GO_STYLE_PRETTY).writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static String toYaml(Resource r) {
        return toYaml(toTree(r));
    }

    public static String toJson(Resource r) {
        return toJson(toTree(r));
    }

    // ---- the datastore's value format ----

    /** The value stored in etcd: compact JSON of the whole resource, without resourceVersion (the mod revision). */
    public static byte[] toStoredValue(Resource r) {
        ObjectMeta m = r.metadata();
        Resource stored = m.resourceVersion() == null ? r : r.withMetadata(m.withResourceVersion(null));
        try {
            return Mappers.JSON.writeValueAsBytes(toTree(stored));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + r.kind().kindName() + " " + r.name(), e);
        }
    }

    /**
     * Decodes a value read from etcd. Stored values are untrusted too: a value that does not decode to the
     * expected kind is an error naming the key, never a partly filled resource. Fields Tabby does not know (a newer
     * writer's, or a release's that Tabby left out) are skipped, as Calico's backend skips them.
     */
    public static Resource fromStoredValue(Kind expected, byte[] value, long modRevision, String key) {
        JsonNode node = storedTree(value, key);
        Problems problems = new Problems();
        Optional<Resource> r = decode(node, Mappers.JSON_STORED, false, problems, true);
        if (r.isEmpty() || r.get().kind() != expected) {
            List<String> lines = new ArrayList<>();
            problems.errors().forEach(p -> lines.add("etcd key " + key + ": " + p));
            if (lines.isEmpty()) {
                lines.add("etcd key " + key + ": holds a " + r.map(x -> x.kind().kindName()).orElse("?")
                        + ", expected a " + expected.kindName());
            }
            throw new ManifestException(lines);
        }
        Resource res = r.get();
        return res.withMetadata(res.metadata().withResourceVersion(Long.toString(modRevision)));
    }

    /**
     * A stored value's JSON tree; a value that is not JSON, or repeats a key in an object, is an error naming the
     * key. Read first by {@link Mappers#JSON_STORED_TREE}, whose duplicate check allocates nothing, straight from the
     * bytes (no String copy of each of 55,000 values at a start, issue 16); any value it refuses is read again as
     * before, as text by the strict parser, so a value is refused exactly when the parser refuses it, in the parser's
     * words (e.g. {@code Duplicate field 'a'}), and text that is not valid UTF-8 reads as it did (with U+FFFD, as Go's
     * decoder reads it). Only a value that starts like a UTF-8 object ({@code '{'} then a non-zero byte) takes the
     * byte path: Jackson would read a UTF-16 or UTF-32 value from bytes, which neither Calico nor the text path does.
     */
    private static JsonNode storedTree(byte[] value, String key) {
        if (value.length > 1 && value[0] == '{' && value[1] != 0) {
            try {
                return Mappers.JSON_STORED_TREE.readTree(value);
            } catch (IOException cheap) {
                // read again below, as text, for the same verdict and words as before
            }
        }
        try {
            return Mappers.JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ManifestException(List.of("etcd key " + key + ": not JSON: " + e.getOriginalMessage()));
        }
    }

    /**
     * Reads a value from etcd as tabbyctl shows, replaces and deletes it: leniently, as Calico's backend reads (no
     * validation on read). A value another writer stored (calicoctl, calico-node, a newer Calico) that Tabby would
     * refuse to write is still returned, and each problem is a warning naming the key: a field Tabby does not know
     * (skipped, so lost if the resource is written back), or a rule the value breaks. Only a value that does not
     * decode at all, or holds another kind, is an error.
     */
    public static StoredResource readStored(Kind expected, byte[] value, long modRevision, String key) {
        JsonNode node = storedTree(value, key);
        List<String> warnings = new ArrayList<>();
        JsonNode asStored = node.deepCopy();
        Problems decodeProblems = new Problems();
        Optional<Resource> decoded = decode(node, Mappers.JSON_STORED, false, decodeProblems, false);
        if (decoded.isEmpty() || decoded.get().kind() != expected) {
            List<String> lines = new ArrayList<>();
            decodeProblems.errors().forEach(p -> lines.add("etcd key " + key + ": " + p));
            if (lines.isEmpty()) {
                lines.add("etcd key " + key + ": holds a " + decoded.map(x -> x.kind().kindName()).orElse("?")
                        + ", expected a " + expected.kindName());
            }
            throw new ManifestException(lines);
        }
        Resource r = decoded.get();
        skippedFields(asStored, toTree(r), "").forEach(path -> warnings.add("etcd key " + key + ": field " + path
                + " is not in Calico v3.18's " + expected.kindName() + "; skipped (it is dropped if the resource is written back)"));
        Problems rules = new Problems();
        Resource validated = ResourceValidator.validate(r, rules);
        rules.errors().forEach(p -> warnings.add("etcd key " + key + ": " + p
                + " (Tabby would not write this value; correct it with tabbyctl replace)"));
        Resource shown = rules.hasErrors() ? r : validated;
        return new StoredResource(shown.withMetadata(shown.metadata().withResourceVersion(Long.toString(modRevision))),
                List.copyOf(warnings));
    }

    /**
     * The paths of fields holding a value in {@code stored} that the decoded resource does not carry: the ones the
     * lenient mapper skipped. Empty values are not reported (nothing is lost with them); lists of objects are
     * compared item by item.
     */
    private static List<String> skippedFields(JsonNode stored, JsonNode decoded, String at) {
        List<String> out = new ArrayList<>();
        if (stored.isObject() && decoded.isObject()) {
            for (var e : stored.properties()) {
                String path = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
                JsonNode v = e.getValue();
                if (decoded.has(e.getKey())) {
                    out.addAll(skippedFields(v, decoded.get(e.getKey()), path));
                } else if (!(v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty()))) {
                    out.add(path);
                }
            }
        } else if (stored.isArray() && decoded.isArray() && stored.size() == decoded.size()) {
            for (int i = 0; i < stored.size(); i++) {
                out.addAll(skippedFields(stored.get(i), decoded.get(i), at + "[" + i + "]"));
            }
        }
        return out;
    }
}
