package dev.tabby.probe.host;

/**
 * Shell-style glob matching as fnmatch(3) does it without flags: {@code *} any run, {@code ?} one character,
 * {@code [abc]}, {@code [a-z]} and {@code [!x]} sets, backslash escapes. Used for systemd-networkd's
 * {@code Name=}, modules.alias patterns and (with {@link #simple}) NetworkManager's {@code interface-name:}.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0, true);
    }

    /** Only {@code *} and {@code ?} are special (NetworkManager: "Ranges and escaping is not supported"). */
    public static boolean simple(String pattern, String text) {
        return match(pattern, 0, text, 0, false);
    }

    private static boolean match(String p, int pi, String t, int ti, boolean sets) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = ti; k <= t.length(); k++) {
                    if (match(p, pi, t, k, sets)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length()) {
                return false;
            }
            if (c == '?') {
                pi++;
                ti++;
                continue;
            }
            if (sets && c == '[') {
                int end = setEnd(p, pi);
                if (end > 0) {
                    if (!inSet(p.substring(pi + 1, end), t.charAt(ti))) {
                        return false;
                    }
                    pi = end + 1;
                    ti++;
                    continue;
                }
            }
            if (sets && c == '\\' && pi + 1 < p.length()) {
                pi++;
                c = p.charAt(pi);
            }
            if (c != t.charAt(ti)) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length();
    }

    private static int setEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            if (p.charAt(i) == ']') {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static boolean inSet(String set, char ch) {
        boolean negate = !set.isEmpty() && (set.charAt(0) == '!' || set.charAt(0) == '^');
        String s = negate ? set.substring(1) : set;
        boolean found = false;
        for (int i = 0; i < s.length(); i++) {
            if (i + 2 < s.length() && s.charAt(i + 1) == '-') {
                if (ch >= s.charAt(i) && ch <= s.charAt(i + 2)) {
                    found = true;
                }
                i += 2;
            } else if (s.charAt(i) == ch) {
                found = true;
            }
        }
        return found != negate;
    }
}
