package dev.tabby.model.selector;

/**
 * Character-level reading of selector text: whitespace, quoted strings, label keys and operator
 * words, plus describing what sits at a position for error messages. Knows nothing of the grammar;
 * the language is context-sensitive (e.g. {@code in} is an operator only right after a label key)
 * so the {@link Parser} asks for what it expects instead of consuming a token stream.
 */
final class Cursor {

    static final int END = -1;

    /** Longest run of key characters quoted back in an error message. */
    private static final int MAX_DESCRIBED_WORD = 40;

    private final String text;
    private int pos;

    Cursor(String text) {
        this.text = text;
    }

    int position() {
        return pos;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    /** The character at the cursor, or {@link #END}. */
    int peek() {
        return peek(0);
    }

    /** The character {@code ahead} places past the cursor, or {@link #END}. */
    int peek(int ahead) {
        int at = pos + ahead;
        return at < text.length() ? text.charAt(at) : END;
    }

    boolean lookingAt(String s) {
        return text.startsWith(s, pos);
    }

    void advance(int count) {
        pos += count;
    }

    /** Skips ASCII whitespace (space, tab, CR, LF, VT, FF); Calico itself only skips space and tab. */
    void skipWhitespace() {
        while (pos < text.length() && isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /** Consumes and returns the (possibly empty) run of label-key characters at the cursor. */
    String readKeyChars() {
        int start = pos;
        while (pos < text.length() && LabelKeys.isKeyChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /**
     * Consumes a quoted string whose opening quote is at the cursor and returns its contents.
     * There are no escapes: the string runs to the next occurrence of the same quote character.
     */
    String readQuoted() {
        int open = pos;
        char quote = text.charAt(open);
        int close = text.indexOf(quote, open + 1);
        if (close < 0) {
            throw error(open, "unterminated string (no closing " + quote + ")");
        }
        pos = close + 1;
        return text.substring(open + 1, close);
    }

    SelectorException error(int at, String reason) {
        return new SelectorException(text, at, reason);
    }

    /** Names what is at the cursor, for "... but found X" messages. */
    String describeNext() {
        return describeAt(pos);
    }

    String describeAt(int at) {
        if (at >= text.length()) {
            return "end of selector";
        }
        char c = text.charAt(at);
        if (c == '"' || c == '\'') {
            return "a quoted string";
        }
        if (LabelKeys.isKeyChar(c)) {
            int end = at;
            while (end < text.length() && LabelKeys.isKeyChar(text.charAt(end))) {
                end++;
            }
            return end - at <= MAX_DESCRIBED_WORD
                    ? "'" + text.substring(at, end) + "'"
                    : "'" + text.substring(at, at + MAX_DESCRIBED_WORD) + "...'";
        }
        for (String pair : new String[] {"&&", "||", "==", "!="}) {
            if (text.startsWith(pair, at)) {
                return "'" + pair + "'";
            }
        }
        int codePoint = text.codePointAt(at);
        if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
            return String.format("character U+%04X", codePoint);
        }
        return "'" + new String(Character.toChars(codePoint)) + "'";
    }

    static boolean isWhitespace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
