package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code tabbyctl node status} against a small HTTP server on a free loopback port standing in for the bgp-speaker
 * (issue 12 serves the same endpoint). Texts from calicoctl/commands/node/status.go: "Calico process is running.",
 * "Calico process is not running.", "\nIPv%s BGP status\n", "No IPv%s peers found.\n", and printPeers' tablewriter
 * table with headings "Peer address", "Peer type", "State", "Since", "Info".
 */
class NodeStatusCommandTest {
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    record Result(int exitCode, String out, String err) {
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A speaker on 127.0.0.1:<free port> answering GET /v1/peers with {@code status} and {@code body}. */
    private int speaker(int status, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static Result status(Map<String, String> env, String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[extra.length + 2];
        args[0] = "node";
        args[1] = "status";
        System.arraycopy(extra, 0, args, 2, extra.length);
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env);
        return new Result(code, out.toString(), err.toString());
    }

    private static Map<String, String> port(int port) {
        return Map.of("TABBY_BGP_SPEAKER_PORT", Integer.toString(port));
    }

    @Test
    void runningSpeakerPrintsCalicoctlsPeerTables() throws IOException {
        int port = speaker(200, """
                {"ipv4": [
                  {"peerAddress": "172.17.8.102", "peerType": "node-to-node mesh", "state": "up", "since": "23:30:04",
                   "bgpState": "Established", "info": ""},
                  {"peerAddress": "10.0.0.9", "peerType": "global", "state": "start", "since": "2016-11-21",
                   "bgpState": "Active", "info": "Socket: Connection refused by the remote peer now"}
                 ],
                 "ipv6": [
                  {"peerAddress": "fd00::1", "peerType": "node specific", "state": "up", "since": "3600",
                   "bgpState": "Established", "futureField": 1}
                 ]}
                """);
        Result r = status(port(port));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        // tablewriter: headers upper-cased and centred (the odd space to the right), text left-aligned, a number
        // ("3600") right-aligned, a cell over 30 columns wrapped at spaces.
        assertEquals("""
                Calico process is running.

                IPv4 BGP status
                +--------------+-------------------+-------+------------+--------------------------------+
                | PEER ADDRESS |     PEER TYPE     | STATE |   SINCE    |              INFO              |
                +--------------+-------------------+-------+------------+--------------------------------+
                | 172.17.8.102 | node-to-node mesh | up    | 23:30:04   | Established                    |
                | 10.0.0.9     | global            | start | 2016-11-21 | Active Socket: Connection      |
                |              |                   |       |            | refused by the remote peer now |
                +--------------+-------------------+-------+------------+--------------------------------+

                IPv6 BGP status
                +--------------+---------------+-------+-------+-------------+
                | PEER ADDRESS |   PEER TYPE   | STATE | SINCE |    INFO     |
                +--------------+---------------+-------+-------+-------------+
                | fd00::1      | node specific | up    |  3600 | Established |
                +--------------+---------------+-------+-------+-------------+

                """, r.out());
        assertEquals(List.of("GET /v1/peers"), requests);
    }

    @Test
    void noPeers() throws IOException {
        int port = speaker(200, "{\"ipv4\": [], \"ipv6\": null}");
        Result r = status(Map.of(), "--port", Integer.toString(port));
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("Calico process is running.\n\nIPv4 BGP status\nNo IPv4 peers found.\n\nIPv6 BGP status\n"
                + "No IPv6 peers found.\n\n", r.out());
    }

    @Test
    void noSpeakerIsNotRunningWithExitCodeOne() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = status(port(closed));
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertEquals("tabbyctl: Calico process is not running. (no bgp-speaker answered at http://127.0.0.1:" + closed
                + "/v1/peers: connection refused)\n", r.err());
    }

    @Test
    void defaultPortIs9180() {
        boolean listening;
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), 9180)) {
            listening = true;
        } catch (IOException e) {
            listening = false;
        }
        Assumptions.assumeFalse(listening, "something listens on 127.0.0.1:9180 here");
        Result r = status(Map.of());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("http://127.0.0.1:9180/v1/peers"), r::toString);
    }

    @Test
    void aSpeakerThatAnswersBadlyIsAnError() throws IOException {
        int port = speaker(500, "oops");
        Result r = status(port(port));
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("", r.out());
        assertEquals("tabbyctl: Error executing command: the bgp-speaker at http://127.0.0.1:" + port
                + "/v1/peers answered HTTP 500, not its peer report\n", r.err());
        stop();

        port = speaker(200, "<html>");
        Result garbage = status(port(port));
        assertEquals(1, garbage.exitCode(), garbage::toString);
        assertTrue(garbage.err().startsWith("tabbyctl: Error executing command: the bgp-speaker at http://127.0.0.1:"
                + port + "/v1/peers answered with no peer report: "), garbage::toString);

        Result badPort = status(Map.of("TABBY_BGP_SPEAKER_PORT", "http"));
        assertEquals(1, badPort.exitCode());
        assertEquals("tabbyctl: TABBY_BGP_SPEAKER_PORT=\"http\" is not a port number (1..65535)\n", badPort.err());
    }
}
