package dev.tabby.probe.net;

import java.util.ArrayList;
import java.util.List;

/** Splits a rule line into words: whitespace separates, double quotes group (with backslash escapes), and for nft a
 * brace-enclosed anonymous set stays one word. */
final class Tokens {
    private Tokens() {
    }

    static List<String> split(String line, boolean braces) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                inWord = true;
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                        i++;
                    }
                    cur.append(line.charAt(i));
                    i++;
                }
                continue;
            }
            if (braces && c == '{') {
                int depth = 0;
                int start = i;
                for (; i < line.length(); i++) {
                    if (line.charAt(i) == '{') {
                        depth++;
                    } else if (line.charAt(i) == '}' && --depth == 0) {
                        break;
                    }
                }
                cur.append(line, start, Math.min(i + 1, line.length()));
                inWord = true;
                continue;
            }
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                continue;
            }
            cur.append(c);
            inWord = true;
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** The members of an nft anonymous set {@code { 22, 179, 1000-2000 }}, or the single value. */
    static List<String> members(String value) {
        String v = value.trim();
        if (v.startsWith("{") && v.endsWith("}")) {
            v = v.substring(1, v.length() - 1);
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
