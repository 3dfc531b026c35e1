package dev.tabby.events.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventFactory;
import dev.tabby.events.EventJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowRecordTest {
    static FlowRecord denied() {
        return new FlowRecord(Instant.parse("2026-12-05T07:00:00Z"), Instant.parse("2026-12-05T07:00:15Z"), "node2",
                "10.65.0.2", "default/client", "10.65.1.3", "default/server", 8080, "tcp", "deny", "ingress",
                "default.deny-8080", 0, 1, 3, 180, 1.0);
    }

    @Test
    void travelsAsTheDataOfACloudEvent() {
        FlowRecord r = denied();
        CloudEvent e = new EventFactory("node2", "policy-renderer").make(FlowRecord.EVENT_WHAT, r.subject(), r.toData());
        assertEquals(FlowRecord.EVENT_TYPE, e.type());
        assertEquals("10.65.0.2 -> 10.65.1.3:8080/tcp", e.subject());
        CloudEvent back = EventJson.decode(EventJson.encode(e));
        assertEquals(r, FlowRecord.fromData(back.data()));
    }

    @Test
    void refusesABadRecordNamingTheField() {
        Map<String, Object> d = new LinkedHashMap<>(denied().toData());
        d.put("action", "drop");
        assertEquals("flow action must be allow or deny, was drop",
                assertThrows(IllegalArgumentException.class, () -> FlowRecord.fromData(d)).getMessage());
        d.put("action", "allow");
        d.remove("dstIp");
        assertEquals("flow record field 'dstIp' must be a non-empty string",
                assertThrows(IllegalArgumentException.class, () -> FlowRecord.fromData(d)).getMessage());
        d.put("dstIp", "10.65.1.3");
        d.put("packets", 1.5);
        assertEquals("flow record field 'packets' must be a whole number",
                assertThrows(IllegalArgumentException.class, () -> FlowRecord.fromData(d)).getMessage());
        d.put("packets", 2);
        d.put("sampling", 0);
        assertEquals("flow sampling must be in (0, 1], was 0.0",
                assertThrows(IllegalArgumentException.class, () -> FlowRecord.fromData(d)).getMessage());
    }
}
