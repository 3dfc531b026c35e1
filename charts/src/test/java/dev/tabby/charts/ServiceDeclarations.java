package dev.tabby.charts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * charts/tabby/services.yaml read with Jackson, independently of the chart's templates, so the tests compare what
 * helm renders with what the file declares. Unknown fields fail: a field added to the file must be read here too.
 */
public final class ServiceDeclarations {
    public record HostPath(String name, String path, String mountPath, boolean readOnly, String type, String propagation) {
        /** Where the container sees it: mountPath, else the host path itself. */
        public String containerPath() {
            return mountPath != null ? mountPath : path;
        }
    }

    public record Port(String name, int port, String protocol) {
    }

    public record Env(String name, String value) {
    }

    public record Probes(String liveness, String readiness) {
    }

    public record Service(String image, String role, List<String> args, List<String> capabilities, String procSys,
                          boolean hostPID, List<HostPath> hostPaths, List<Port> ports, List<Env> env, Probes probes) {
        public Service {
            args = args == null ? List.of() : args;
            capabilities = capabilities == null ? List.of() : capabilities;
            hostPaths = hostPaths == null ? List.of() : hostPaths;
            ports = ports == null ? List.of() : ports;
            env = env == null ? List.of() : env;
            probes = probes == null ? new Probes(null, null) : probes;
        }

        /** The port named http (health, metrics, status), or null. */
        public Port httpPort() {
            return ports.stream().filter(p -> p.name().equals("http")).findFirst().orElse(null);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    private record File(Map<String, Service> services) {
    }

    private ServiceDeclarations() {
    }

    /** Every declaration by service name, in name order. */
    public static Map<String, Service> read(Path servicesYaml) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return new TreeMap<>(yaml.readValue(servicesYaml.toFile(), File.class).services());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + servicesYaml + ": " + e.getMessage(), e);
        }
    }
}
