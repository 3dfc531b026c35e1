package dev.tabby.testbed.containers;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each service needs from its host, as charts/tabby/services.yaml declares it: the one file the chart's
 * templates and the testbed's container runtime both read, so a pod and a testbed container cannot drift apart.
 */
public final class ServiceDeclarations {
    public static final String FILE = "charts/tabby/services.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A host directory or file mounted into the container ({@code mountPath} defaults to {@code path}). */
    public record HostPath(String name, String path, String mountPath, boolean readOnly, String type, String propagation) {
    }

    public record Port(String name, int port, String protocol) {
    }

    public record Env(String name, String value) {
    }

    public record Declaration(String service, String image, String role, List<String> args, List<String> capabilities,
                              boolean procSysWritable, boolean hostPid, List<HostPath> hostPaths, List<Port> ports,
                              List<Env> env, String liveness, String readiness) {
        /** The HTTP port (health, metrics, status), or 0 for a service without one. */
        public int httpPort() {
            return ports.stream().filter(p -> p.name().equals("http")).mapToInt(Port::port).findFirst().orElse(0);
        }
    }

    private final Map<String, Declaration> byService;

    private ServiceDeclarations(Map<String, Declaration> byService) {
        this.byService = byService;
    }

    /** The declarations of the repository at {@code root}. */
    public static ServiceDeclarations load(Path root) {
        Path file = root.resolve(FILE);
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + " (" + e.getMessage() + "); the service declarations"
                    + " ship with the repository: is TABBY_ROOT right?", e);
        }
    }

    static ServiceDeclarations parse(String yaml, String where) {
        JsonNode services;
        try {
            services = YAML.readTree(yaml).path("services");
        } catch (IOException e) {
            throw new IllegalStateException(where + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!services.isObject() || services.isEmpty()) {
            throw new IllegalStateException(where + " has no services: map");
        }
        Map<String, Declaration> out = new LinkedHashMap<>();
        services.fields().forEachRemaining(e -> out.put(e.getKey(), declaration(e.getKey(), e.getValue(), where)));
        return new ServiceDeclarations(out);
    }

    private static Declaration declaration(String service, JsonNode n, String where) {
        String at = where + ": services." + service;
        String image = required(n, "image", at);
        String role = required(n, "role", at);
        if (!List.of("daemon", "init", "hook").contains(role)) {
            throw new IllegalStateException(at + ".role \"" + role + "\" is not daemon, init or hook");
        }
        String procSys = n.path("procSys").asText("read-only");
        if (!procSys.equals("read-only") && !procSys.equals("writable")) {
            throw new IllegalStateException(at + ".procSys \"" + procSys + "\" is not read-only or writable");
        }
        List<HostPath> paths = new ArrayList<>();
        for (JsonNode p : n.path("hostPaths")) {
            String path = required(p, "path", at + ".hostPaths");
            paths.add(new HostPath(required(p, "name", at + ".hostPaths"), path, p.path("mountPath").asText(path),
                    p.path("readOnly").asBoolean(false), p.path("type").asText(""), p.path("propagation").asText("")));
        }
        List<Port> ports = new ArrayList<>();
        for (JsonNode p : n.path("ports")) {
            ports.add(new Port(required(p, "name", at + ".ports"), p.path("port").asInt(), p.path("protocol").asText("TCP")));
        }
        List<Env> env = new ArrayList<>();
        for (JsonNode e : n.path("env")) {
            env.add(new Env(required(e, "name", at + ".env"), e.path("value").asText("")));
        }
        JsonNode probes = n.path("probes");
        return new Declaration(service, image, role, strings(n.path("args")), strings(n.path("capabilities")),
                procSys.equals("writable"), n.path("hostPID").asBoolean(false), paths, ports, env,
                probes.path("liveness").asText(null), probes.path("readiness").asText(null));
    }

    private static String required(JsonNode n, String field, String at) {
        String v = n.path(field).asText("");
        if (v.isEmpty()) {
            throw new IllegalStateException(at + " has no " + field);
        }
        return v;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    public Declaration of(String service) {
        Declaration d = byService.get(service);
        if (d == null) {
            throw new IllegalArgumentException(FILE + " declares no service \"" + service + "\"; it declares "
                    + String.join(", ", byService.keySet()));
        }
        return d;
    }

    public List<Declaration> all() {
        return List.copyOf(byService.values());
    }

    /** The images the declarations name, each once, in file order. */
    public List<String> images() {
        return byService.values().stream().map(Declaration::image).distinct().toList();
    }
}
