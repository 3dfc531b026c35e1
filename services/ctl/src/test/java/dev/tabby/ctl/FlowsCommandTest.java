package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.flows.FlowRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code tabbyctl flows} over policy-renderer's {@code GET /v1/flows}: a real HTTP server on loopback serving
 * FlowRecords as the data of CloudEvents of type dev.tabby.policy-renderer.flow, EventJson-encoded.
 */
// A reading that never ends (the replay's end not seen) fails here instead of hanging the build.
@Timeout(120)
class FlowsCommandTest {
    private final SseServer.All servers = new SseServer.All();

    @AfterEach
    void stop() {
        servers.close();
    }

    private static long seq = 100;

    static CloudEvent flowEvent(FlowRecord f) {
        long n = seq++;
        return new CloudEvent("flow-" + n, CloudEvent.sourceOf(f.node(), "policy-renderer"), FlowRecord.EVENT_TYPE,
                f.subject(), f.end(), String.format("%019d", n), f.toData());
    }

    static FlowRecord flow(String end, String node, String srcEp, String srcIp, String dstEp, String dstIp, int port,
                           String proto, String action, String direction, String policy, int rule, long conns,
                           long packets, long bytes, double sampling) {
        Instant e = Instant.parse(end);
        return new FlowRecord(e.minusSeconds(15), e, node, srcIp, srcEp, dstIp, dstEp, port, proto, action, direction,
                policy, rule, conns, packets, bytes, sampling);
    }

    static final FlowRecord ALLOWED = flow("2026-12-05T06:00:15Z", "node-a", "default/web-1", "10.244.1.5",
            "default/db-0", "10.244.2.7", 5432, "tcp", "allow", "ingress", "default/default.allow-db", 0, 3, 40, 5120, 1.0);
    static final FlowRecord DENIED_SAMPLED = flow("2026-12-05T06:00:30Z", "node-b", "-", "192.168.9.9",
            "default/db-0", "10.244.2.7", 5432, "tcp", "deny", "ingress", "end-of-tier:default", -1, 7, 7, 420, 0.5);
    static final FlowRecord DENIED_ICMP = flow("2026-12-05T06:00:15Z", "node-a", "default/web-1", "10.244.1.5",
            "host:node-b", "10.0.0.2", 0, "icmp", "deny", "egress", "default.deny-icmp", 2, 1, 1, 84, 1.0);

    private SseServer serve(CloudEvent... events) throws IOException {
        return servers.add(SseServer.serving("/v1/flows").replay(events).replayEnd().thenHold());
    }

    @Test
    void printsTheFlowTable() throws IOException {
        SseServer s = serve(flowEvent(DENIED_SAMPLED), flowEvent(ALLOWED), flowEvent(DENIED_ICMP));
        FeedRun.Result r = FeedRun.run("flows", "--endpoint", s.url());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("""
                TIME                   NODE     SOURCE          DESTINATION    PORT/PROTO   ACTION   POLICY                     RULE   CONNS   PACKETS   BYTES
                2026-12-05T06:00:15Z   node-a   default/web-1   host:node-b    icmp         deny     default.deny-icmp          2      1       1         84
                2026-12-05T06:00:15Z   node-a   default/web-1   default/db-0   5432/tcp     allow    default/default.allow-db   0      3       40        5120
                2026-12-05T06:00:30Z   node-b   192.168.9.9     default/db-0   5432/tcp     deny     end-of-tier:default        -      7*      7*        420*
                """, r.out(), r.toString());
        assertEquals("tabbyctl: * marks counts of an interval in which the node's flow-log rate limit recorded only "
                + "part of the verdicts; the counts cover that part (-o json gives the share as sampling)\n", r.err());
        assertEquals(List.of("GET /v1/flows Accept=text/event-stream"), s.requests);
    }

    @Test
    void jsonIsOneFlowRecordPerLine() throws IOException {
        SseServer s = serve(flowEvent(DENIED_SAMPLED), flowEvent(ALLOWED));
        FeedRun.Result r = FeedRun.run("flows", "--endpoint", s.url(), "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("""
                {"start":"2026-12-05T06:00:00Z","end":"2026-12-05T06:00:15Z","node":"node-a","srcIp":"10.244.1.5",\
                "srcEndpoint":"default/web-1","dstIp":"10.244.2.7","dstEndpoint":"default/db-0","dstPort":5432,\
                "protocol":"tcp","action":"allow","direction":"ingress","policy":"default/default.allow-db","rule":0,\
                "connections":3,"packets":40,"bytes":5120,"sampling":1.0}
                {"start":"2026-12-05T06:00:15Z","end":"2026-12-05T06:00:30Z","node":"node-b","srcIp":"192.168.9.9",\
                "srcEndpoint":"-","dstIp":"10.244.2.7","dstEndpoint":"default/db-0","dstPort":5432,\
                "protocol":"tcp","action":"deny","direction":"ingress","policy":"end-of-tier:default","rule":-1,\
                "connections":7,"packets":7,"bytes":420,"sampling":0.5}
                """, r.out(), r.toString());
        assertEquals("", r.err(), "json carries the sampling itself");
    }

    @Test
    void filtersDeniedWorkloadAndNode() throws IOException {
        SseServer s = serve(flowEvent(ALLOWED), flowEvent(DENIED_SAMPLED), flowEvent(DENIED_ICMP));
        Map<String, List<FlowRecord>> cases = new LinkedHashMap<>();
        cases.put("--denied", List.of(DENIED_ICMP, DENIED_SAMPLED));
        cases.put("--workload default/web-1", List.of(DENIED_ICMP, ALLOWED));
        cases.put("--workload db-0", List.of(ALLOWED, DENIED_SAMPLED));
        cases.put("--workload host:node-b", List.of(DENIED_ICMP));
        cases.put("--workload default/db", List.of());
        cases.put("--node node-b", List.of(DENIED_SAMPLED));
        cases.put("--denied --workload web-1 --node node-a", List.of(DENIED_ICMP));
        cases.forEach((args, expected) -> {
            String[] argv = ("flows --endpoint " + s.url() + " -o json " + args).split(" ");
            FeedRun.Result r = FeedRun.run(argv);
            assertEquals(0, r.exitCode(), args + "\n" + r);
            List<String> nodesAndPolicies = r.out().lines().map(l -> l.replaceAll(".*\"node\":\"([^\"]*)\".*\"policy\":\"([^\"]*)\".*", "$1 $2")).toList();
            assertEquals(expected.stream().map(f -> f.node() + " " + f.policy()).toList(), nodesAndPolicies, args);
        });
    }

    @Test
    void followEndsWhenPolicyRendererClosesItsStream() throws IOException {
        SseServer s = servers.add(SseServer.serving("/v1/flows").replay(flowEvent(ALLOWED)).replayEnd()
                .live(flowEvent(DENIED_ICMP)).thenClose());
        FeedRun.Result r = FeedRun.run("flows", "-f", "--endpoint", s.url() + "/v1/flows", "--denied");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("""
                TIME                   NODE         SOURCE                 DESTINATION            PORT/PROTO   ACTION   POLICY                     RULE   CONNS   PACKETS   BYTES
                2026-12-05T06:00:15Z   node-a       default/web-1          host:node-b            icmp         deny     default.deny-icmp          2      1       1         84
                """, r.out(), r.toString());
        assertEquals("tabbyctl: the stream of " + s.url() + "/v1/flows ended\n", r.err());
    }

    @Test
    void eventsThatAreNotFlowRecordsAreSkipped() throws IOException {
        CloudEvent notAFlow = EventsCommandTest.ROUTE;
        Map<String, Object> badData = new LinkedHashMap<>(ALLOWED.toData());
        badData.put("action", "maybe");
        CloudEvent badFlow = new CloudEvent("bad-1", "/nodes/node-a/policy-renderer", FlowRecord.EVENT_TYPE, null,
                ALLOWED.end(), null, badData);
        SseServer s = serve(notAFlow, badFlow, flowEvent(ALLOWED));
        FeedRun.Result r = FeedRun.run("flows", "--endpoint", s.url(), "-o", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(1, r.out().lines().count(), r.toString());
        assertEquals("""
                tabbyctl: skipped an event from /nodes/node-a/vxlan-manager that could not be read: event of type \
                dev.tabby.vxlan-manager.route.added is not a flow record (dev.tabby.policy-renderer.flow)
                tabbyctl: skipped an event from /nodes/node-a/policy-renderer that could not be read: flow action \
                must be allow or deny, was maybe
                """, r.err());
    }

    @Test
    void noPolicyRendererAnsweringFails() throws IOException {
        int dead = EventsCommandTest.deadPort();
        FeedRun.Result r = FeedRun.run("flows", "--endpoint", "http://127.0.0.1:" + dead);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("tabbyctl: no service answered: http://127.0.0.1:" + dead
                + "/v1/flows (connection refused); "), r.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        FeedRun.Result r = FeedRun.run("flows", "--denied=maybe");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("tabbyctl flows: "), r.toString());
        FeedRun.Result since = FeedRun.run("flows", "--since", "5x");
        assertEquals(1, since.exitCode(), since.toString());
        assertTrue(since.err().startsWith("tabbyctl flows: Invalid value for option '--since': unknown unit \"x\""),
                since.toString());
        FeedRun.Result workload = FeedRun.run("flows", "--workload");
        assertEquals(1, workload.exitCode(), workload.toString());
        assertTrue(workload.err().startsWith("tabbyctl flows: Missing required parameter for option '--workload'"),
                workload.toString());
    }
}
