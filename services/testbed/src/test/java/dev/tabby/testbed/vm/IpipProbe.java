package dev.tabby.testbed.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requirements probe's IP-in-IP checks, run as an operator runs them ({@code tabby probe --mode ipip -o json}, the
 * built CLI in a process of its own): their statuses by id.
 */
final class IpipProbe {
    static final List<String> CHECKS = List.of("module-ipip", "proto-ipip", "iface-tunl");

    private IpipProbe() {
    }

    static Map<String, String> statuses(Path root) throws Exception {
        Path probe = root.resolve("requirements-probe");
        List<String> cmd = List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                probe.resolve("target/classes") + File.pathSeparator + probe.resolve("target/lib") + "/*",
                "dev.tabby.probe.cli.ProbeCli", "--mode", "ipip", "--only", String.join(",", CHECKS), "-o", "json");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode c : new ObjectMapper().readTree(json).path("checks")) {
            out.put(c.path("id").asText(), c.path("status").asText() + ": " + c.path("observed").asText());
        }
        return out;
    }
}
