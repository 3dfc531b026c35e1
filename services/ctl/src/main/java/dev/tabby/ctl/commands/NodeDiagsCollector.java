package dev.tabby.ctl.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Collects what calicoctl v3.18's {@code node diags} collects (calicoctl/commands/node/diags.go runDiags), for a Tabby
 * node, into {@code <tmp>/tabby<random>/diagnostics/} and then {@code diags-<yyyyMMdd_HHmmss>.tar.gz} beside it.
 *
 * <p>Every command only reads: date, hostname, sockets (calicoctl's {@code netstat -a -n}, and {@code ss -a -n -p}),
 * {@code ip -d link}, addresses, routes and rules per family, neighbours and the bridge FDB (where VXLAN
 * keeps its peers), {@code iptables-save -c}, {@code ip6tables-save -c},
 * {@code ipset list}, {@code ps auxww}. Then the log directory, the CNI network configurations (only {@code .conf},
 * {@code .conflist} and {@code .json} files, with any password, token or secret value replaced), and
 * {@code /q/health} and {@code /q/metrics} of each Tabby service on 127.0.0.1:9180..9184. Whatever cannot be
 * collected (a tool not installed, a file missing, a service not answering) is written to
 * {@code diagnostics/not-collected} and never stops the collection.
 */
final class NodeDiagsCollector {
    /** One command; the file its combined output goes to, and the line calicoctl prints first (if any). */
    record Step(String info, List<String> command, String file) {
    }

    /** diags.go's list, with what Tabby adds; calicoctl's file names kept where it has them. */
    static final List<Step> STEPS = List.of(
            new Step("", List.of("date"), "date"),
            new Step("", List.of("hostname"), "hostname"),
            new Step("Dumping netstat", List.of("netstat", "-a", "-n"), "netstat"),
            new Step("Dumping sockets", List.of("ss", "-a", "-n", "-p"), "ss"),
            new Step("Dumping links", List.of("ip", "-d", "link"), "links"),
            new Step("Dumping routes (IPv4)", List.of("ip", "-4", "route"), "ipv4_route"),
            new Step("Dumping routes (IPv6)", List.of("ip", "-6", "route"), "ipv6_route"),
            new Step("Dumping interface info (IPv4)", List.of("ip", "-4", "addr"), "ipv4_addr"),
            new Step("Dumping interface info (IPv6)", List.of("ip", "-6", "addr"), "ipv6_addr"),
            new Step("Dumping neighbours", List.of("ip", "neigh", "show"), "neighbours"),
            new Step("Dumping bridge FDB", List.of("bridge", "fdb", "show"), "fdb"),
            new Step("Dumping routing rules (IPv4)", List.of("ip", "-4", "rule"), "ipv4_rule"),
            new Step("Dumping routing rules (IPv6)", List.of("ip", "-6", "rule"), "ipv6_rule"),
            new Step("Dumping iptables (IPv4)", List.of("iptables-save", "-c"), "ipv4_tables"),
            new Step("Dumping iptables (IPv6)", List.of("ip6tables-save", "-c"), "ipv6_tables"),
            new Step("Dumping ipsets", List.of("ipset", "list"), "ipsets"),
            new Step("Dumping processes", List.of("ps", "auxww"), "ps"));

    /** The node's services and their HTTP ports (docs/architecture.md, "Ports and endpoints"). */
    static final Map<Integer, String> SERVICES = Map.of(9180, "bgp-speaker", 9181, "ipip-manager",
            9182, "vxlan-manager", 9183, "policy-renderer", 9184, "requirements-probe");

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path logDir;
    private final Path cniConfDir;
    private final PrintWriter out;
    private final List<String> notCollected = new ArrayList<>();

    NodeDiagsCollector(Path logDir, Path cniConfDir, PrintWriter out) {
        this.logDir = logDir;
        this.cniConfDir = cniConfDir;
        this.out = out;
    }

    /** Collects and packs; returns the tarball. */
    Path run() {
        out.println("Collecting diagnostics");
        Path tmpDir;
        Path diagnostics;
        try {
            tmpDir = Files.createTempDirectory("tabby");
            out.println("Using temp dir: " + tmpDir);
            diagnostics = Files.createDirectory(tmpDir.resolve("diagnostics"));
        } catch (IOException e) {
            throw new CommandFailedException("Error creating temp directory to dump logs: " + e.getMessage());
        }
        for (Step step : STEPS) {
            runStep(step, diagnostics);
        }
        copyLogs(diagnostics.resolve("logs"));
        copyCniConfig(diagnostics.resolve("cni"));
        services(diagnostics.resolve("services"));
        write(diagnostics.resolve("not-collected"), notCollected.isEmpty() ? "" : String.join("\n", notCollected) + "\n");
        out.flush();
        String tarName = "diags-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + ".tar.gz";
        Path tarFile = tmpDir.resolve(tarName);
        pack(tmpDir, tarName);
        // diags.go's closing lines.
        out.printf("%nDiags saved to %s%n", tarFile);
        out.printf("If required, you can upload the diagnostics bundle to a file sharing service%n"
                + "such as transfer.sh using curl or similar.  For example:%n%n"
                + "    curl --upload-file %s https://transfer.sh/%s%n", tarFile, tarName);
        out.flush();
        return tarFile;
    }

    private void runStep(Step step, Path dir) {
        if (!step.info().isEmpty()) {
            out.println(step.info());
            out.flush();
        }
        String shown = String.join(" ", step.command());
        Process p;
        try {
            p = new ProcessBuilder(step.command()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            // A tool that is not installed: noted, in the file and in the list, never fatal.
            String why = step.command().get(0) + " is not installed or cannot be run: " + e.getMessage();
            out.println("Failed to run command: " + shown + "\nError: " + why);
            notCollected.add(step.file() + ": " + shown + ": " + why);
            write(dir.resolve(step.file()), "not collected: " + why + "\n");
            return;
        }
        byte[] content;
        try (InputStream in = p.getInputStream()) {
            // Read in the background so a command that hangs is stopped at the timeout, not waited for.
            var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                notCollected.add(step.file() + ": " + shown + ": did not finish within " + COMMAND_TIMEOUT.toSeconds() + "s");
            }
            content = reader.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            notCollected.add(step.file() + ": " + shown + ": " + e);
            content = new byte[0];
        }
        if (!p.isAlive() && p.exitValue() != 0) {
            // diags.go: "Failed to run command: %s\nError: %s\n" with the command's output; the output is kept.
            out.println("Failed to run command: " + shown + "\nError: "
                    + new String(content, StandardCharsets.UTF_8).strip());
            notCollected.add(step.file() + ": " + shown + ": exit code " + p.exitValue() + " (its output is in the file)");
        }
        try {
            Files.write(dir.resolve(step.file()), content);
        } catch (IOException e) {
            notCollected.add(step.file() + ": cannot write: " + e.getMessage());
        }
    }

    private void copyLogs(Path target) {
        if (!Files.isDirectory(logDir)) {
            // diags.go: "Error copying log files: %v"
            String why = Files.exists(logDir) ? logDir + " is not a directory" : "stat " + logDir + ": no such file or directory";
            out.println("Error copying log files: " + why);
            notCollected.add("logs: " + why);
            return;
        }
        out.println("Copying Calico logs"); // diags.go's words
        copyTree(logDir, target, "logs");
    }

    private void copyTree(Path from, Path to, String label) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Iterator<Path> it = walk.iterator(); it.hasNext(); ) {
                Path p = it.next();
                Path dest = to.resolve(from.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(dest);
                    } else if (Files.isRegularFile(p)) {
                        Files.copy(p, dest, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    notCollected.add(label + ": " + p + ": " + e.getMessage());
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            out.println("Error copying log files: " + e.getMessage());
            notCollected.add(label + ": " + e.getMessage());
        }
    }

    private void copyCniConfig(Path target) {
        if (!Files.isDirectory(cniConfDir)) {
            notCollected.add("cni: " + cniConfDir + " does not exist");
            return;
        }
        out.println("Copying CNI configuration");
        List<Path> files;
        try (Stream<Path> s = Files.list(cniConfDir)) {
            files = s.sorted().toList();
            Files.createDirectories(target);
        } catch (IOException e) {
            notCollected.add("cni: cannot list " + cniConfDir + ": " + e.getMessage());
            return;
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            if (!(lower.endsWith(".conf") || lower.endsWith(".conflist") || lower.endsWith(".json"))) {
                // A kubeconfig or key file lives here too; it holds credentials, so it stays out of the bundle.
                notCollected.add("cni: " + f + ": skipped, not a CNI network configuration (.conf, .conflist, .json)");
                continue;
            }
            try {
                write(target.resolve(name), redacted(Files.readString(f)));
            } catch (IOException e) {
                notCollected.add("cni: " + f + ": " + e.getMessage());
            }
        }
    }

    /** The configuration with every password, token or secret value replaced; text that is not JSON is kept as is. */
    static String redacted(String text) {
        JsonNode tree;
        try {
            tree = JSON.readTree(text);
        } catch (IOException e) {
            return text;
        }
        if (tree == null) {
            return text;
        }
        redact(tree);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
        } catch (IOException e) {
            return text;
        }
    }

    private static void redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = (ObjectNode) node;
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String lower = name.toLowerCase(Locale.ROOT);
                if ((lower.contains("password") || lower.contains("token") || lower.contains("secret"))
                        && o.get(name).isValueNode()) {
                    o.set(name, TextNode.valueOf("<redacted>"));
                } else {
                    redact(o.get(name));
                }
            }
        } else if (node.isArray()) {
            node.forEach(NodeDiagsCollector::redact);
        }
    }

    private void services(Path target) {
        out.println("Querying Tabby services");
        HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        SERVICES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String service = e.getValue() + "-" + e.getKey();
            Path dir = target.resolve(service);
            for (String path : List.of("/q/health", "/q/metrics")) {
                URI uri = URI.create("http://127.0.0.1:" + e.getKey() + path);
                String file = path.substring(path.lastIndexOf('/') + 1);
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(HTTP_TIMEOUT).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    Files.createDirectories(dir);
                    write(dir.resolve(file), "HTTP " + r.statusCode() + "\n" + r.body()
                            + (r.body().endsWith("\n") ? "" : "\n"));
                } catch (IOException ex) {
                    notCollected.add("services/" + service + "/" + file + ": " + uri + " did not answer: " + why(ex));
                    if (ex instanceof java.net.ConnectException) {
                        break; // nothing listens there; the second path would only repeat that
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    notCollected.add("services/" + service + ": interrupted");
                    return;
                }
            }
        });
    }

    private static String why(IOException e) {
        if (e instanceof java.net.ConnectException) {
            return "connection refused (the service does not run here)";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + HTTP_TIMEOUT.toSeconds() + "s";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void pack(Path tmpDir, String tarName) {
        // diags.go packs with the tar tool too ("tar -zcvf"), for long names Go's archive/tar mishandled.
        try {
            Process p = new ProcessBuilder("tar", "-czf", tarName, "diagnostics").directory(tmpDir.toFile())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new CommandFailedException("Error compressing the diagnostics: tar exited " + p.exitValue()
                        + ": " + output + "; the collected files are in " + tmpDir.resolve("diagnostics"));
            }
        } catch (IOException e) {
            throw new CommandFailedException("Error compressing the diagnostics: " + e.getMessage()
                    + "; the collected files are in " + tmpDir.resolve("diagnostics"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("Error compressing the diagnostics: interrupted");
        }
    }

    private void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            notCollected.add(file.getFileName() + ": cannot write: " + e.getMessage());
        }
    }
}
