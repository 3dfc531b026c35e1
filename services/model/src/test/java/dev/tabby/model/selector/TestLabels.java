package dev.tabby.model.selector;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds label maps from compact "key=value" strings so test tables stay readable. */
final class TestLabels {

    private TestLabels() {
    }

    /** Each entry is "key=value"; the value is everything after the first '=' (may be empty). */
    static Map<String, String> labels(String... entries) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("not key=value: " + entry);
            }
            map.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return map;
    }
}
