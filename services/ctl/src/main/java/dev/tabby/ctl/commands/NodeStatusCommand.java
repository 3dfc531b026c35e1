package dev.tabby.ctl.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tabby.ctl.Env;
import dev.tabby.ctl.Errors;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tabbyctl node status}, as calicoctl v3.18's (calicoctl/commands/node/status.go): whether this node's BGP
 * process runs, and its BGP peers per address family in calicoctl's table. calicoctl looks for the calico-felix and
 * BIRD processes and asks BIRD over its control socket; Tabby's BGP process is the bgp-speaker service, which this
 * asks over HTTP on loopback ({@link NodeStatusReport} is the answer it expects). A speaker that does not answer is
 * "Calico process is not running." with exit code 1, as calicoctl says and exits when calico-node is not running.
 * Like calicoctl, run it on the node (in the node's network namespace), where the speaker listens.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Check the status of the Calico node instance: whether its BGP speaker runs, and its BGP "
                + "peering states.",
                "It asks the node's bgp-speaker at http://127.0.0.1:<port>" + NodeStatusReport.PATH + "."})
public final class NodeStatusCommand implements Callable<Integer> {
    static final String PORT_VARIABLE = "TABBY_BGP_SPEAKER_PORT";
    /** status.go's birdTimeOut: how long calicoctl waits for BIRD. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper READER = JsonMapper.builder().build();

    @Option(names = "--port", paramLabel = "PORT",
            description = "HTTP port of the node's bgp-speaker on 127.0.0.1 (default: $" + PORT_VARIABLE + ", else "
                    + NodeStatusReport.DEFAULT_PORT + ")")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        URI uri = URI.create("http://127.0.0.1:" + port() + NodeStatusReport.PATH);
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // status.go: `return fmt.Errorf("Calico process is not running.")`
            throw new CommandFailedException("Calico process is not running. (no bgp-speaker answered at " + uri
                    + ": " + (e instanceof java.net.ConnectException && e.getMessage() == null ? "connection refused"
                    : Errors.oneLine(e)) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("Error executing command: interrupted while asking " + uri);
        }
        if (response.statusCode() != 200) {
            throw new CommandFailedException("Error executing command: the bgp-speaker at " + uri + " answered HTTP "
                    + response.statusCode() + ", not its peer report");
        }
        NodeStatusReport report;
        try {
            report = READER.readValue(response.body(), NodeStatusReport.class);
        } catch (JsonProcessingException e) {
            throw new CommandFailedException("Error executing command: the bgp-speaker at " + uri
                    + " answered with no peer report: " + e.getOriginalMessage().lines().findFirst().orElse("unreadable"));
        }
        if (report == null) {
            throw new CommandFailedException("Error executing command: the bgp-speaker at " + uri + " answered null");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print("Calico process is running.\n");
        for (int ipVersion : new int[] {4, 6}) {
            // status.go printBIRDPeers: "\nIPv%s BGP status\n", then the table or "No IPv%s peers found.\n"
            out.print("\nIPv" + ipVersion + " BGP status\n");
            if (report.family(ipVersion).isEmpty()) {
                out.print("No IPv" + ipVersion + " peers found.\n");
            } else {
                out.print(NodeStatusTable.render(report.family(ipVersion)));
            }
        }
        // status.go ends with an empty line.
        out.print("\n");
        out.flush();
        return 0;
    }

    private int port() {
        if (port != null) {
            return checkPort(port, "--port");
        }
        String fromEnv = Env.get().get(PORT_VARIABLE);
        if (fromEnv == null || fromEnv.isBlank()) {
            return NodeStatusReport.DEFAULT_PORT;
        }
        try {
            return checkPort(Integer.parseInt(fromEnv.strip()), PORT_VARIABLE);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PORT_VARIABLE + "=\"" + fromEnv + "\" is not a port number (1..65535)");
        }
    }

    private static int checkPort(int p, String where) {
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(where + " " + p + " is not a port number (1..65535)");
        }
        return p;
    }
}
