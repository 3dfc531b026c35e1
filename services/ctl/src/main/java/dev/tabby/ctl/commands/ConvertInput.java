package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The documents of the manifest {@code tabbyctl convert} reads, as trees: before anything is decoded, convert must
 * know each document's apiVersion (a v1 document is refused by name) and, with --ignore-validation, print the
 * documents as they came.
 */
final class ConvertInput {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** JSON text may hold several objects one after another, which YAML cannot read; as ResourceCodec reads it. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    record Document(int index, int item, JsonNode tree) {
        String apiVersion() {
            return tree.path("apiVersion").isTextual() ? tree.get("apiVersion").asText() : null;
        }

        /** As ResourceCodec names a document: {@code document 2 item 1 (ipPool "x")}. */
        String describe() {
            StringBuilder sb = new StringBuilder("document ").append(index);
            if (item > 0) {
                sb.append(" item ").append(item);
            }
            String kind = tree.path("kind").asText("");
            JsonNode meta = tree.path("metadata");
            String name = meta.path("name").isTextual() ? meta.get("name").asText()
                    : meta.path("cidr").isTextual() ? meta.get("cidr").asText() : null; // a v1 ipPool is named by its cidr
            if (!kind.isEmpty() || name != null) {
                sb.append(" (").append(kind);
                if (name != null) {
                    sb.append(kind.isEmpty() ? "" : " ").append('"').append(name).append('"');
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    private ConvertInput() {
    }

    static String text(String file, InputStream stdin) {
        try {
            if (file.equals("-")) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
            }
            return Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CommandFailedException("Failed to execute command: manifest " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new CommandFailedException("Failed to execute command: manifest " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CommandFailedException("Failed to execute command: manifest " + file + " cannot be read: "
                    + e.getMessage());
        }
    }

    /** Every document; a YAML sequence or a {@code List}/{@code <Kind>List} gives one entry per item. */
    static List<Document> documents(String text) {
        List<Document> out = new ArrayList<>();
        int index = 0;
        String trimmed = text.stripLeading();
        ObjectMapper reader = trimmed.startsWith("{") || trimmed.startsWith("[") ? JSON : YAML;
        try (MappingIterator<JsonNode> it = reader.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode node = it.nextValue();
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                index++;
                JsonNode items = node.isArray() ? node
                        : node.path("kind").asText("").endsWith("List") && node.path("items").isArray() ? node.get("items")
                        : null;
                if (items == null) {
                    out.add(new Document(index, 0, node));
                } else {
                    for (int i = 0; i < items.size(); i++) {
                        out.add(new Document(index, i + 1, items.get(i)));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new CommandFailedException("Failed to execute command: document " + (index + 1) + where
                    + ": not valid YAML or JSON: " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        } catch (IOException | RuntimeException e) {
            throw new CommandFailedException("Failed to execute command: not valid YAML or JSON: "
                    + dev.tabby.ctl.Errors.oneLine(e));
        }
        if (out.isEmpty()) {
            throw new CommandFailedException("Failed to execute command: the manifest holds no resources");
        }
        return out;
    }
}
