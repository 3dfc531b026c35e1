package dev.tabby.ctl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event-stream format as the HTML standard's "Server-sent events" section interprets it. */
class SseParserTest {
    private final List<String> seen = new ArrayList<>();
    private final SseParser parser = new SseParser(new SseParser.Listener() {
        @Override
        public void message(String id, String event, String data) {
            seen.add("message id=" + id + " event=" + event + " data=" + data);
        }

        @Override
        public void comment(String text) {
            seen.add("comment " + text);
        }
    });

    private void feed(String stream) throws IOException {
        BufferedReader in = new BufferedReader(new StringReader(stream));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            parser.line(line);
        }
    }

    @Test
    void fieldsCommentsAndDispatch() throws IOException {
        feed(": replay-end\n"
                + "id: 1\nevent: dev.tabby.x.y\ndata: {\"a\":\ndata:  1}\n\n"
                // no id line: the last id stays; no event line: "message"; "data" alone is an empty line of data
                + "data\ndata: two\r\n\r\n"
                + "retry: 10\nfoo: bar\n\n"
                + "id: 3\nevent: e\n\n"
                + "data: cut off at the end\n");
        assertEquals(List.of("comment replay-end",
                "message id=1 event=dev.tabby.x.y data={\"a\":\n 1}",
                "message id=1 event=message data=\ntwo"), seen);
    }

    @Test
    void crOnlyLineEndings() throws IOException {
        feed("id: 9\rdata: x\r\r:c\r");
        assertEquals(List.of("message id=9 event=message data=x", "comment c"), seen);
    }
}
