package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tabbyctl events} over the services' SSE endpoints: real HTTP servers on loopback ({@link SseServer})
 * serving EventJson-encoded CloudEvents in the wire format of the events contract.
 */
// A reading that never ends (the replay's end not seen) fails here instead of hanging the build.
@Timeout(120)
class EventsCommandTest {
    private final SseServer.All servers = new SseServer.All();

    @AfterEach
    void stop() {
        servers.close();
    }

    static CloudEvent event(String time, String node, String service, String what, String subject, long seq,
                            Map<String, Object> data) {
        return new CloudEvent("id-" + seq, CloudEvent.sourceOf(node, service),
                CloudEvent.TYPE_PREFIX + service + "." + what, subject, Instant.parse(time), String.format("%019d", seq),
                data);
    }

    static Map<String, Object> data(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final CloudEvent ROUTE = event("2026-12-05T06:00:01Z", "node-a", "vxlan-manager", "route.added",
            "10.244.1.0/26", 1, data("via", "10.0.0.2", "device", "vxlan.calico"));
    static final CloudEvent PEER = event("2026-12-05T06:00:02Z", "node-b", "bgp-speaker", "peer.state",
            "10.0.0.1", 7, data("from", "Connect", "to", "Established"));
    static final CloudEvent WORKLOAD = event("2026-12-05T06:00:03Z", "node-a", "cni", "workload.added",
            "default/web-1", 2, data("interface", "cali1234", "ips", List.of("10.244.1.5/32")));

    /** The table of ROUTE, PEER, WORKLOAD: columns as calicoctl's tabwriter pads them (cell + 3, at least 5). */
    static final String TABLE = """
            TIME                   NODE     SERVICE         TYPE             SUBJECT         DETAILS
            2026-12-05T06:00:01Z   node-a   vxlan-manager   route.added      10.244.1.0/26   via=10.0.0.2 device=vxlan.calico
            2026-12-05T06:00:02Z   node-b   bgp-speaker     peer.state       10.0.0.1        from=Connect to=Established
            2026-12-05T06:00:03Z   node-a   cni             workload.added   default/web-1   interface=cali1234 ips=["10.244.1.5/32"]
            """;

    private SseServer serve(SseServer.Builder b, boolean hold) throws IOException {
        return servers.add(hold ? b.thenHold() : b.thenClose());
    }

    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void printsWhatTheServicesHoldSortedByTimeAndExits() throws IOException, InterruptedException {
        // Two services, each holding its stream open after its replay, as a running service does.
        SseServer a = serve(SseServer.serving("/v1/events").replay(WORKLOAD, ROUTE).replayEnd(), true);
        SseServer b = serve(SseServer.serving("/v1/events").replay(PEER).replayEnd(), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url(), "--endpoint", b.url() + "/v1/events");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TABLE, r.out(), r.toString());
        assertEquals("", r.err());
        assertEquals(List.of("GET /v1/events Accept=text/event-stream"), a.requests);
        // The services still hold their streams open: tabbyctl closed them, and its reading threads are gone.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tabbyctl-sse ")) {
                t.join(10_000);
                assertTrue(!t.isAlive(), t.getName() + " still reads");
            }
        }
    }

    @Test
    void aServiceWithoutTheReplayEndMarkIsDoneWhenItPauses() throws IOException {
        SseServer a = serve(SseServer.serving("/v1/events").replay(ROUTE, PEER, WORKLOAD), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TABLE, r.out(), r.toString());
    }

    @Test
    void withoutFollowWhatComesAfterTheReplayIsNotShown() throws IOException {
        CloudEvent later = event("2026-12-05T06:10:00Z", "node-a", "cni", "workload.deleted", "default/web-1", 3, data());
        SseServer a = serve(SseServer.serving("/v1/events").replay(ROUTE, PEER, WORKLOAD).replayEnd().live(later), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TABLE, r.out(), r.toString());
    }

    @Test
    void followPrintsTheReplayThenLiveEventsUntilTheStreamEnds() throws IOException {
        // The live event is older than the replay: it is printed when it comes, after the batch, not sorted in.
        CloudEvent live = event("2026-12-05T05:59:00Z", "node-c", "requirements-probe", "check.changed",
                "kernel-modules", 4, data("status", "failed", "reason", "vxlan module missing"));
        SseServer a = serve(SseServer.serving("/v1/events").replay(PEER, ROUTE, WORKLOAD).replayEnd().live(live), false);
        FeedRun.Result r = FeedRun.run("events", "-f", "--endpoint", a.url());
        assertEquals(0, r.exitCode(), r.toString());
        // Columns are reserved for usual cells (a time, requirements-probe, a CIDR): later rows line up.
        assertEquals("""
                TIME                   NODE         SERVICE              TYPE               SUBJECT              DETAILS
                2026-12-05T06:00:01Z   node-a       vxlan-manager        route.added        10.244.1.0/26        via=10.0.0.2 device=vxlan.calico
                2026-12-05T06:00:02Z   node-b       bgp-speaker          peer.state         10.0.0.1             from=Connect to=Established
                2026-12-05T06:00:03Z   node-a       cni                  workload.added     default/web-1        interface=cali1234 ips=["10.244.1.5/32"]
                2026-12-05T05:59:00Z   node-c       requirements-probe   check.changed      kernel-modules       status=failed reason="vxlan module missing"
                """, r.out(), r.toString());
        assertEquals("tabbyctl: the stream of " + a.url() + "/v1/events ended\n", r.err());
    }

    @Test
    void filtersByNodeTypeAndTimeAndAsksTheServerForTheType() throws IOException {
        SseServer a = serve(SseServer.serving("/v1/events").replay(ROUTE, PEER, WORKLOAD).replayEnd(), true);
        FeedRun.Result node = FeedRun.run("events", "--endpoint", a.url(), "--node", "node-a", "-o", "json");
        assertEquals(EventJson.encode(ROUTE) + "\n" + EventJson.encode(WORKLOAD) + "\n", node.out(), node.toString());

        // A short type names the service's types by whole dotted parts; the server gets the full prefix.
        FeedRun.Result type = FeedRun.run("events", "--endpoint", a.url(), "--type", "bgp-speaker", "-o", "json");
        assertEquals(EventJson.encode(PEER) + "\n", type.out(), type.toString());
        assertTrue(a.requests.contains("GET /v1/events?type=dev.tabby.bgp-speaker Accept=text/event-stream"),
                a.requests.toString());
        FeedRun.Result full = FeedRun.run("events", "--endpoint", a.url(), "--type", "dev.tabby.cni.workload", "-o", "json");
        assertEquals(EventJson.encode(WORKLOAD) + "\n", full.out(), full.toString());
        FeedRun.Result partial = FeedRun.run("events", "--endpoint", a.url(), "--type", "vxlan", "-o", "json");
        assertEquals("", partial.out(), "vxlan is not vxlan-manager: " + partial);

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CloudEvent old = event(now.minus(2, ChronoUnit.HOURS).toString(), "node-a", "cni", "workload.added", "x", 10, data());
        CloudEvent recent = event(now.minus(1, ChronoUnit.MINUTES).toString(), "node-a", "cni", "workload.added", "y", 11, data());
        SseServer b = serve(SseServer.serving("/v1/events").replay(old, recent).replayEnd(), true);
        FeedRun.Result since = FeedRun.run("events", "--endpoint", b.url(), "--since", "10m", "-o", "json");
        assertEquals(EventJson.encode(recent) + "\n", since.out(), since.toString());
        FeedRun.Result longer = FeedRun.run("events", "--endpoint", b.url(), "--since", "2h30m", "-o", "json");
        assertEquals(EventJson.encode(old) + "\n" + EventJson.encode(recent) + "\n", longer.out(), longer.toString());
    }

    @Test
    void jsonIsOneCloudEventPerLine() throws IOException {
        SseServer a = serve(SseServer.serving("/v1/events").replay(ROUTE).replayEnd(), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url(), "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("{\"specversion\":\"1.0\",\"id\":\"id-1\",\"source\":\"/nodes/node-a/vxlan-manager\","
                + "\"type\":\"dev.tabby.vxlan-manager.route.added\",\"subject\":\"10.244.1.0/26\","
                + "\"time\":\"2026-12-05T06:00:01Z\",\"sequence\":\"0000000000000000001\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"via\":\"10.0.0.2\",\"device\":\"vxlan.calico\"}}\n",
                r.out());
    }

    @Test
    void longDetailsAreShortenedAndAnEventWithoutSubjectShowsADash() throws IOException {
        CloudEvent ready = event("2026-12-05T06:00:04Z", "node-a", "policy-renderer", "apply.failed", null, 5,
                data("error", "x".repeat(120), "attempt", 3));
        SseServer a = serve(SseServer.serving("/v1/events").replay(ready).replayEnd(), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url());
        assertEquals("""
                TIME                   NODE     SERVICE           TYPE           SUBJECT   DETAILS
                2026-12-05T06:00:04Z   node-a   policy-renderer   apply.failed   -         error=%s...
                """.formatted("x".repeat(71)), r.out(), r.toString());
    }

    @Test
    void readsTheEventStreamFormatWholly() throws IOException {
        // Comments, retry, CRLF endings, data over several lines (the JSON broken after a comma), no space after
        // the colon, an event without data (not dispatched), and a last event cut off by the end of the stream.
        String json = EventJson.encode(PEER);
        int comma = json.indexOf(',');
        String raw = ": keep-alive\r\nretry: 3000\r\nid: id-7\r\nevent: " + PEER.type() + "\r\ndata: "
                + json.substring(0, comma + 1) + "\r\ndata:" + json.substring(comma + 1) + "\r\n\r\n"
                + "event: nothing\n\n"
                + "data: " + EventJson.encode(ROUTE) + "\n\n"
                + "data: " + EventJson.encode(WORKLOAD) + "\n";
        SseServer a = serve(SseServer.serving("/v1/events").replayRaw(raw), false);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url(), "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(EventJson.encode(ROUTE) + "\n" + EventJson.encode(PEER) + "\n", r.out(), r.toString());
        assertEquals("", r.err());
    }

    @Test
    void badEventsAreSkippedWithOneLinePerKindAndCounted() throws IOException {
        String raw = "data: not json at all\n\n"
                + "data: {\"specversion\":\"1.0\",\"source\":\"/nodes/n/x\",\"type\":\"t\",\"time\":\"2026-12-05T06:00:00Z\"}\n\n"
                + "data: {\"specversion\":\"1.0\",\"source\":\"/nodes/n/y\",\"type\":\"u\",\"time\":\"2026-12-05T06:00:00Z\"}\n\n"
                + SseServer.frame(ROUTE);
        SseServer a = serve(SseServer.serving("/v1/events").replayRaw(raw).replayEnd(), true);
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url(), "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(EventJson.encode(ROUTE) + "\n", r.out());
        List<String> err = r.err().lines().toList();
        assertEquals(3, err.size(), r.toString());
        assertTrue(err.get(0).startsWith("tabbyctl: skipped an event from " + a.url()
                + "/v1/events that could not be read: event is not JSON: "), r.toString());
        assertEquals("tabbyctl: skipped an event from " + a.url() + "/v1/events that could not be read: "
                + "event has no 'id'", err.get(1));
        assertEquals("tabbyctl: skipped 3 events in all that could not be read", err.get(2));
    }

    @Test
    void aServiceThatDoesNotAnswerIsNamedAndTheOthersAreShown() throws IOException {
        SseServer a = serve(SseServer.serving("/v1/events").replay(ROUTE, PEER, WORKLOAD).replayEnd(), true);
        SseServer notFound = serve(SseServer.serving("/other").replayEnd(), true);
        int dead = deadPort();
        FeedRun.Result r = FeedRun.run("events", "--endpoint", a.url(), "--endpoint", "http://127.0.0.1:" + dead,
                "--endpoint", notFound.url());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(TABLE, r.out());
        assertEquals("tabbyctl: left out, not answering: http://127.0.0.1:" + dead + "/v1/events (connection refused), "
                + notFound.url() + "/v1/events (HTTP 404)\n", r.err());
    }

    @Test
    void noServiceAnsweringFails() throws IOException {
        int dead = deadPort();
        FeedRun.Result r = FeedRun.run("events", "--endpoint", "http://127.0.0.1:" + dead);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("", r.out());
        assertEquals("tabbyctl: no service answered: http://127.0.0.1:" + dead + "/v1/events (connection refused); "
                + "run this on a node where Tabby runs, or name the services with --endpoint URL, or read Kafka with "
                + "--kafka-bootstrap HOST:PORT\n", r.err());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("--since 1d", "tabbyctl events: Invalid value for option '--since': unknown unit \"d\" in duration \"1d\"");
        cases.put("--since 10", "tabbyctl events: Invalid value for option '--since': missing unit in duration \"10\"");
        cases.put("--since -5m", "tabbyctl events: Invalid value for option '--since': \"-5m\" is not a positive duration");
        cases.put("-o yaml", "tabbyctl events: Invalid value for option '--output': expected one of [table, json]");
        cases.put("--endpoint ftp://h:1", "tabbyctl events: --endpoint \"ftp://h:1\": not an http:// or https:// URL");
        cases.put("--endpoint http://127.0.0.1:1 --kafka-bootstrap k:9092",
                "tabbyctl events: --endpoint and --kafka-bootstrap name two different sources: give one of them");
        cases.put("--kafka-bootstrap nohost", "tabbyctl events: --kafka-bootstrap='nohost' is not a list of host:port");
        cases.put("extra", "tabbyctl events: Unmatched argument at index 1: 'extra'");
        cases.forEach((args, expected) -> {
            String[] argv = ("events " + args).split(" ");
            FeedRun.Result r = FeedRun.run(argv);
            assertEquals(1, r.exitCode(), args + "\n" + r);
            assertEquals("", r.out(), args);
            assertTrue(r.err().startsWith(expected), args + "\n" + r);
            assertTrue(r.err().endsWith("(see 'tabbyctl events --help')\n"), args + "\n" + r);
            assertEquals(1, r.err().lines().count(), args + "\n" + r);
        });
    }

    @Test
    void aBadBootstrapInTheEnvironmentIsNamed() {
        FeedRun.Result r = FeedRun.runWith(Map.of("TABBY_KAFKA_BOOTSTRAP", "kafka"), "events");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("tabbyctl: TABBY_KAFKA_BOOTSTRAP='kafka' is not a list of host:port"), r.toString());
    }
}
