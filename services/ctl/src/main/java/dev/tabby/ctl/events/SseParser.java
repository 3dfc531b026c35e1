package dev.tabby.ctl.events;

/**
 * Reads the text/event-stream format line by line, as the HTML standard's "Server-sent events" section says to
 * interpret it: {@code field: value} lines (one space after the colon dropped), {@code data} lines joined with
 * newlines, a line starting with a colon a comment, an empty line dispatching the message. {@code retry} and unknown
 * fields are ignored (tabbyctl does not reconnect); a message without data is not dispatched; a message cut off by
 * the end of the stream (no empty line after it) is dropped, as the standard says.
 */
final class SseParser {
    /** What the stream said. */
    interface Listener {
        void message(String id, String event, String data);

        /** A comment line, without its colon and one leading space. */
        void comment(String text);
    }

    private final Listener listener;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String event;
    /** The standard keeps the last event id across messages. */
    private String lastId;

    SseParser(Listener listener) {
        this.listener = listener;
    }

    /** One line, without its line ending (CR, LF or CRLF, as BufferedReader.readLine splits them). */
    void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            listener.comment(dropSpace(line.substring(1)));
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : dropSpace(line.substring(colon + 1));
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> event = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastId = value;
                }
            }
            default -> {
                // "retry" and anything else: ignored.
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            listener.message(lastId, event == null || event.isEmpty() ? "message" : event, data.toString());
        }
        data.setLength(0);
        hasData = false;
        event = null;
    }

    private static String dropSpace(String s) {
        return s.startsWith(" ") ? s.substring(1) : s;
    }
}
