package dev.tabby.bgp.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Calico's selector language that understands only {@code all()}, {@code has(k)} and
 * {@code k == 'v'} (single or double quotes). Anything else is rejected, so a BGPPeer using it is reported as
 * skipped instead of matching wrongly; the full engine lives in services/model and replaces this when wired in.
 */
final class TinySelector {
    private static final Pattern HAS = Pattern.compile("has\\(\\s*([\\w./-]+)\\s*\\)");
    private static final Pattern EQUALS = Pattern.compile("([\\w./-]+)\\s*==\\s*(?:'([^']*)'|\"([^\"]*)\")");

    private TinySelector() {
    }

    static boolean matches(String selector, Map<String, String> labels) {
        String s = selector.trim();
        if (s.equals("all()")) {
            return true;
        }
        Matcher has = HAS.matcher(s);
        if (has.matches()) {
            return labels.containsKey(has.group(1));
        }
        Matcher eq = EQUALS.matcher(s);
        if (eq.matches()) {
            String want = eq.group(2) != null ? eq.group(2) : eq.group(3);
            return want.equals(labels.get(eq.group(1)));
        }
        throw new IllegalArgumentException("selector '" + selector
                + "' is not supported here; only all(), has(k) and k == 'v' are (wire in services/model's selector for the rest)");
    }
}
