package dev.tabby.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only the difference is reported, bounded per call. */
class AnnouncedTest {
    private final List<String> seen = new ArrayList<>();
    private final Announced<String> routes = new Announced<>((what, subject, data) -> seen.add(what + " " + subject
            + " " + data), "route.added", "route.removed", v -> Map.of("via", v));

    @Test
    void newChangedAndGoneSubjectsAreReportedOnce() {
        assertEquals(1, routes.report(Map.of("10.0.0.0/26", "a")));
        assertEquals(0, routes.report(Map.of("10.0.0.0/26", "a")), "nothing changed, nothing said");
        assertEquals(2, routes.report(Map.of("10.0.0.0/26", "b", "10.0.1.0/26", "c")));
        assertEquals(1, routes.report(Map.of("10.0.1.0/26", "c")));
        assertEquals("route.added 10.0.0.0/26 {via=a}", seen.get(0));
        assertEquals(java.util.Set.of("route.added 10.0.0.0/26 {via=b, replaced=true}", "route.added 10.0.1.0/26 {via=c}"),
                java.util.Set.copyOf(seen.subList(1, 3)), "one apply's changes, in no particular order");
        assertEquals("route.removed 10.0.0.0/26 {via=b}", seen.get(3));
        assertEquals(4, seen.size());
    }

    @Test
    void aFloodIsCutAtTheLimitAndTheRestCounted() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < Announced.LIMIT + 10; i++) {
            many.put("10.1." + i / 256 + "." + i % 256 + "/32", "x");
        }
        routes.report(many);
        assertEquals(Announced.LIMIT + 1, seen.size());
        assertEquals("route.added null {omitted=10}", seen.get(seen.size() - 1));
    }

    @Test
    void nothingIsComparedForTheSinkThatReportsNothing() {
        Announced<String> quiet = new Announced<>(EventSink.NONE, "route.added", "route.removed", v -> Map.of());
        assertEquals(0, quiet.report(Map.of("10.0.0.0/26", "a")));
    }
}
