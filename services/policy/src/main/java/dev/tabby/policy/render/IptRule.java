package dev.tabby.policy.render;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One iptables rule: match fragments (felix iptables/match_builder.go syntax), one action fragment
 * (iptables/actions.go), and comments.
 */
public record IptRule(List<String> match, String action, List<String> comments) {

    public IptRule {
        match = List.copyOf(match);
        comments = List.copyOf(comments);
    }

    public IptRule(List<String> match, String action) {
        this(match, action, List.of());
    }

    public String renderMatch() {
        return String.join(" ", match);
    }

    /** felix iptables/rules.go: comments are made shell-safe ([^\\w @%+=:,./-] becomes "_") and cut to 256 characters. */
    private static final Pattern SHELL_UNSAFE = Pattern.compile("[^\\w @%+=:,./-]");
    private static final int MAX_COMMENT_LENGTH = 256;

    /**
     * The {@code iptables-restore} line appending this rule to {@code chain}, as felix iptables/rules.go RenderAppend
     * writes it: {@code -A chain [prefixFragment] [comments] [match] action}. The table manager passes the
     * {@code -m comment --comment "cali:<hash>"} fragment as {@code prefixFragment} (empty for none).
     */
    public String renderAppend(String chain, String prefixFragment) {
        StringBuilder out = new StringBuilder("-A ").append(chain);
        if (!prefixFragment.isEmpty()) {
            out.append(' ').append(prefixFragment);
        }
        return out.append(' ').append(render()).toString();
    }

    /**
     * The rule without {@code -A <chain>}: comments, match, action; what the table driver takes (it adds the
     * {@code cali:<hash>} comment in front).
     */
    public String render() {
        StringBuilder out = new StringBuilder();
        for (String c : comments) {
            String safe = SHELL_UNSAFE.matcher(c).replaceAll("_");
            if (safe.length() > MAX_COMMENT_LENGTH) {
                safe = safe.substring(0, MAX_COMMENT_LENGTH);
            }
            out.append("-m comment --comment \"").append(safe).append("\" ");
        }
        if (!match.isEmpty()) {
            out.append(renderMatch()).append(' ');
        }
        return out.append(action).toString();
    }
}
