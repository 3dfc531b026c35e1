package dev.tabby.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The first plugin of the first conflist in a node's /etc/cni/net.d, as a CNI runtime reads it (libcni): the plugin's
 * own object with the list's {@code name} and {@code cniVersion} added, executed by its {@code type}.
 */
final class InstalledCni {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Plugin(String type, String config) {
    }

    private InstalledCni() {
    }

    static Plugin read(Path confDir) {
        Path file;
        try (Stream<Path> files = Files.list(confDir)) {
            file = files.filter(f -> f.getFileName().toString().endsWith(".conflist")).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .conflist in " + confDir + "; the CNI installer did not run"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + confDir + ": " + e.getMessage(), e);
        }
        try {
            JsonNode list = JSON.readTree(file.toFile());
            JsonNode first = list.path("plugins").path(0);
            if (!first.isObject() || first.path("type").asText("").isEmpty()) {
                throw new IllegalStateException(file + " has no plugins[0].type");
            }
            ObjectNode conf = ((ObjectNode) first).deepCopy();
            conf.put("name", list.path("name").asText());
            conf.put("cniVersion", list.path("cniVersion").asText());
            return new Plugin(first.path("type").asText(), JSON.writeValueAsString(conf));
        } catch (IOException e) {
            throw new IllegalStateException(file + " is not JSON: " + e.getMessage(), e);
        }
    }
}
