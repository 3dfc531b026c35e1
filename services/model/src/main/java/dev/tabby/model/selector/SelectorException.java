package dev.tabby.model.selector;

/**
 * A selector could not be parsed.
 *
 * <p>Carries the 0-based character offset of the problem and a short reason so that API validation
 * and the CLI can point at the exact spot. The message is always a single line of the form
 * {@code "app == " : expected a quoted string after '==' but found end of selector at column 8}.
 */
public final class SelectorException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Longer selectors are cut short in the message so one bad object cannot flood a log line. */
    private static final int MAX_ECHOED_CHARS = 256;

    private final int position;
    private final String reason;

    SelectorException(String selector, int position, String reason) {
        super(format(selector, position, reason));
        this.position = position;
        this.reason = reason;
    }

    /** 0-based offset into the selector text where the problem was found (may equal its length). */
    public int position() {
        return position;
    }

    /** What was wrong or expected, without the selector text or position. */
    public String reason() {
        return reason;
    }

    private static String format(String selector, int position, String reason) {
        boolean cut = selector.length() > MAX_ECHOED_CHARS;
        String shown = cut ? selector.substring(0, MAX_ECHOED_CHARS) : selector;
        StringBuilder out = new StringBuilder(shown.length() + reason.length() + 32);
        out.append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            // Keep the message on one line; replacing one char by one char keeps the column honest.
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (cut) {
            out.append("...");
        }
        return out.append("\" : ").append(reason).append(" at column ").append(position + 1).toString();
    }
}
