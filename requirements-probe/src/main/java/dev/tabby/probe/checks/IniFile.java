package dev.tabby.probe.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * The ini-style files NetworkManager and systemd-networkd read: {@code [section]} headers, {@code key=value} lines
 * (NetworkManager also {@code key+=value} and {@code key-=value}), {@code #} and {@code ;} comments.
 */
final class IniFile {
    /** One assignment, in file order. {@code op} is {@code =}, {@code +=} or {@code -=}. */
    record Entry(String section, String key, String op, String value) {
    }

    private IniFile() {
    }

    static List<Entry> parse(String text) {
        List<Entry> out = new ArrayList<>();
        String section = "";
        for (String raw : text.lines().toList()) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).trim();
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String op = "=";
            if (key.endsWith("+") || key.endsWith("-")) {
                op = key.charAt(key.length() - 1) + "=";
                key = key.substring(0, key.length() - 1).strip();
            }
            out.add(new Entry(section, key, op, line.substring(eq + 1).strip()));
        }
        return out;
    }

    static boolean isTrue(String v) {
        String s = v.trim().toLowerCase();
        return s.equals("1") || s.equals("yes") || s.equals("true") || s.equals("on");
    }

    static boolean isFalse(String v) {
        String s = v.trim().toLowerCase();
        return s.equals("0") || s.equals("no") || s.equals("false") || s.equals("off");
    }
}
