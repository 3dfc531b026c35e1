package dev.tabby.renderer.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each decoded endpoint brings its own copies; the model keeps one (issue 16). */
class ModelStringsTest {
    private final ModelStrings strings = new ModelStrings();

    @Test
    void equalLabelsOfTwoEndpointsBecomeOneMapOfSharedStrings() {
        Map<String, String> first = strings.of(decoded("app", "web", "projectcalico.org/namespace", "shop"));
        Map<String, String> second = strings.of(decoded("app", "web", "projectcalico.org/namespace", "shop"));
        assertSame(first, second, "replicas share their label map");
        Map<String, String> other = strings.of(decoded("app", "db", "projectcalico.org/namespace", "shop"));
        assertEquals(Map.of("app", "db", "projectcalico.org/namespace", "shop"), other);
        String key = other.keySet().stream().filter(k -> k.equals("app")).findFirst().orElseThrow();
        String sameKey = first.keySet().stream().filter(k -> k.equals("app")).findFirst().orElseThrow();
        assertSame(sameKey, key, "a label key is one string across maps");
        assertSame(strings.of(new String("kns.shop")), strings.of(new String("kns.shop")));
        assertEquals(List.of("kns.shop", "tenant"), strings.of(List.of(new String("kns.shop"), "tenant")));
    }

    @Test
    void nullsStayAsTheyCame() {
        assertNull(strings.of((Map<String, String>) null));
        assertNull(strings.of((List<String>) null));
        Map<String, String> withNull = new HashMap<>();
        withNull.put("a", null);
        assertEquals(withNull, strings.of(withNull));
    }

    /** A map as the decoder makes it: fresh strings, equal but not the same. */
    private static Map<String, String> decoded(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(new String(kv[i]), new String(kv[i + 1]));
        }
        return m;
    }
}
