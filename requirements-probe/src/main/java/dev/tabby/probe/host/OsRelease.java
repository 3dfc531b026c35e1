package dev.tabby.probe.host;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /etc/os-release} (else {@code /usr/lib/os-release}) as the freedesktop spec lays it out: {@code KEY=value}
 * lines, values optionally in single or double quotes with backslash escapes, {@code #} comments. Lines that are not
 * assignments are counted, so a garbage file can be told from a valid one.
 */
public record OsRelease(String source, Map<String, String> fields, int badLines) {

    public static OsRelease parse(String source, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        int bad = 0;
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0 || !line.substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                bad++;
                continue;
            }
            Optional<String> value = unquote(line.substring(eq + 1));
            if (value.isEmpty()) {
                bad++;
                continue;
            }
            fields.put(line.substring(0, eq), value.get());
        }
        return new OsRelease(source, Map.copyOf(fields), bad);
    }

    private static Optional<String> unquote(String v) {
        if (v.isEmpty()) {
            return Optional.of("");
        }
        char q = v.charAt(0);
        if (q == '"' || q == '\'') {
            if (v.length() < 2 || v.charAt(v.length() - 1) != q) {
                return Optional.empty();
            }
            String inner = v.substring(1, v.length() - 1);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (c == '\\' && i + 1 < inner.length()) {
                    out.append(inner.charAt(++i));
                } else {
                    out.append(c);
                }
            }
            return Optional.of(out.toString());
        }
        if (v.chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
            return Optional.empty();
        }
        return Optional.of(v);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(fields.get(key)).filter(s -> !s.isBlank());
    }

    /** ID, defaulting to "linux" as the spec says. */
    public String id() {
        return get("ID").orElse("linux");
    }

    /** PRETTY_NAME, else NAME VERSION_ID, for messages. */
    public String prettyName() {
        return get("PRETTY_NAME").orElseGet(() -> get("NAME").orElse(id()) + get("VERSION_ID").map(v -> " " + v).orElse(""));
    }
}
