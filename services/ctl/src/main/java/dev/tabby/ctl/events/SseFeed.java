package dev.tabby.ctl.events;

import dev.tabby.ctl.Errors;
import dev.tabby.ctl.commands.CommandFailedException;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code GET /v1/events} (or {@code /v1/flows}) of several services at once. Each service answers with its
 * replay buffer, then live events, as Server-Sent Events whose data is one CloudEvent in EventJson.
 *
 * <p>The stream itself never says "that was everything": a service's replay is over when it sends the comment
 * {@value #REPLAY_END} after it, when it closes the stream, or, for a service that sends neither, when no event has
 * come from it for {@link #QUIET} (the replay is written in one go as the stream opens, so a pause means it is over).
 */
public final class SseFeed implements EventFeed {
    /** The comment a service may send after its replay so readers need not wait for a pause. */
    public static final String REPLAY_END = "replay-end";
    static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long a service may take to answer with its headers once connected. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

    private final List<URI> endpoints;
    private final boolean follow;

    public SseFeed(List<URI> endpoints, boolean follow) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoint to read from");
        }
        this.endpoints = List.copyOf(endpoints);
        this.follow = follow;
    }

    /** One open stream and what the reading loop knows about it. */
    private static final class Stream {
        final URI uri;
        final InputStream body;
        long lastEventNanos = System.nanoTime();
        boolean caughtUp;
        boolean ended;

        Stream(URI uri, InputStream body) {
            this.uri = uri;
            this.body = body;
        }
    }

    /** What a reading thread tells the loop. */
    private record Item(Stream from, String data, boolean replayEnd, boolean ended, String failure) {
    }

    @Override
    public void read(Receiver receiver) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        List<Stream> streams = open(client, receiver);
        BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        List<Thread> readers = new ArrayList<>();
        for (Stream s : streams) {
            Thread t = new Thread(() -> pump(s, queue), "tabbyctl-sse " + s.uri);
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        try {
            loop(streams, queue, receiver);
        } finally {
            // Without follow the streams are still open (the services would go on sending live events): close them.
            for (Stream s : streams) {
                closeQuietly(s.body);
            }
            readers.forEach(Thread::interrupt);
        }
    }

    private void loop(List<Stream> streams, BlockingQueue<Item> queue, Receiver receiver) throws InterruptedException {
        boolean caughtUp = false;
        while (true) {
            if (!caughtUp && streams.stream().allMatch(s -> s.caughtUp)) {
                caughtUp = true;
                receiver.caughtUp();
                if (!follow) {
                    return;
                }
            }
            if (streams.stream().allMatch(s -> s.ended)) {
                return;
            }
            Item item = caughtUp ? queue.take() : queue.poll(untilQuiet(streams), TimeUnit.NANOSECONDS);
            if (item == null) {
                long now = System.nanoTime();
                for (Stream s : streams) {
                    if (now - s.lastEventNanos >= QUIET.toNanos()) {
                        s.caughtUp = true;
                    }
                }
                continue;
            }
            Stream s = item.from();
            if (item.data() != null) {
                s.lastEventNanos = System.nanoTime();
                deliver(s, item.data(), receiver);
            } else if (item.replayEnd()) {
                s.caughtUp = true;
            } else if (item.ended()) {
                s.ended = true;
                s.caughtUp = true;
                if (follow) {
                    receiver.notice(item.failure() == null ? "the stream of " + s.uri + " ended"
                            : "the stream of " + s.uri + " broke: " + item.failure());
                } else if (item.failure() != null) {
                    receiver.notice("the stream of " + s.uri + " broke: " + item.failure());
                }
            }
        }
    }

    private static long untilQuiet(List<Stream> streams) {
        long now = System.nanoTime();
        long wait = QUIET.toNanos();
        for (Stream s : streams) {
            if (!s.caughtUp) {
                wait = Math.min(wait, s.lastEventNanos + QUIET.toNanos() - now);
            }
        }
        return Math.max(wait, 1);
    }

    private static void deliver(Stream s, String data, Receiver receiver) {
        CloudEvent event;
        try {
            event = EventJson.decode(data);
        } catch (IllegalArgumentException e) {
            receiver.bad(s.uri.toString(), e.getMessage());
            return;
        }
        receiver.event(event);
    }

    /** Asks every endpoint at once; names the ones that did not answer in one notice, fails when none did. */
    private List<Stream> open(HttpClient client, Receiver receiver) throws InterruptedException {
        List<CompletableFuture<HttpResponse<InputStream>>> answers = new ArrayList<>();
        for (URI uri : endpoints) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT)
                    .header("Accept", "text/event-stream").GET().build();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<Stream> streams = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            URI uri = endpoints.get(i);
            HttpResponse<InputStream> response;
            try {
                response = answers.get(i).join();
            } catch (CompletionException e) {
                unreachable.add(uri + " (" + reason(e.getCause()) + ")");
                continue;
            }
            String problem = problemWith(response);
            if (problem != null) {
                closeQuietly(response.body());
                unreachable.add(uri + " (" + problem + ")");
                continue;
            }
            streams.add(new Stream(uri, response.body()));
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (streams.isEmpty()) {
            throw new CommandFailedException("no service answered: " + String.join(", ", unreachable)
                    + "; run this on a node where Tabby runs, or name the services with --endpoint URL, "
                    + "or read Kafka with --kafka-bootstrap HOST:PORT");
        }
        if (!unreachable.isEmpty()) {
            receiver.notice("left out, not answering: " + String.join(", ", unreachable));
        }
        return streams;
    }

    private static String problemWith(HttpResponse<InputStream> response) {
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
            return "answered " + (type.isEmpty() ? "without a Content-Type" : type) + ", not text/event-stream";
        }
        return null;
    }

    private static String reason(Throwable e) {
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpConnectTimeoutException) {
            return "no connection within " + CONNECT_TIMEOUT.toSeconds() + "s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + ANSWER_TIMEOUT.toSeconds() + "s";
        }
        return Errors.oneLine(e);
    }

    /** A reading thread: the stream's lines through the parser, onto the queue. */
    private static void pump(Stream s, BlockingQueue<Item> queue) {
        SseParser parser = new SseParser(new SseParser.Listener() {
            @Override
            public void message(String id, String event, String data) {
                queue.add(new Item(s, data, false, false, null));
            }

            @Override
            public void comment(String text) {
                if (text.strip().equals(REPLAY_END)) {
                    queue.add(new Item(s, null, true, false, null));
                }
            }
        });
        String failure = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.body, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                parser.line(line);
            }
        } catch (IOException e) {
            failure = Errors.oneLine(e);
        }
        queue.add(new Item(s, null, false, true, Thread.currentThread().isInterrupted() ? null : failure));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Closing is all that is left to do with it.
        }
    }
}
