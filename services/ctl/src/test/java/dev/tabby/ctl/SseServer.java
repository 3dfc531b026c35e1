package dev.tabby.ctl;

import com.sun.net.httpserver.HttpServer;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A service's event stream for tests: a real HTTP server on 127.0.0.1 (free port) answering one path with
 * text/event-stream, as the contract of {@code GET /v1/events} and {@code /v1/flows} says: each event
 * {@code id: <id>}, {@code event: <type>}, {@code data: <EventJson>}, then an empty line. What it sends is a script:
 * the replay, optionally the {@code : replay-end} comment, then either holding the stream open until closed, or
 * live text and then the end of the stream.
 */
final class SseServer implements AutoCloseable {
    enum After { HOLD, CLOSE }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    final List<String> requests = new CopyOnWriteArrayList<>();

    private SseServer(String path, String replay, boolean replayEnd, String live, After after) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext(path, exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " Accept="
                    + exchange.getRequestHeaders().getFirst("Accept"));
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                write(out, replay);
                if (replayEnd) {
                    write(out, ": replay-end\n\n");
                }
                write(out, live);
                if (after == After.HOLD) {
                    release.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the reader went away: nothing more to send
            }
        });
        server.start();
    }

    static Builder serving(String path) {
        return new Builder(path);
    }

    static final class Builder {
        private final String path;
        private final StringBuilder replay = new StringBuilder();
        private final StringBuilder live = new StringBuilder();
        private boolean replayEnd;

        Builder(String path) {
            this.path = path;
        }

        Builder replay(CloudEvent... events) {
            for (CloudEvent e : events) {
                replay.append(frame(e));
            }
            return this;
        }

        /** Text sent as it is, in the replay: comments, retry lines, broken events. */
        Builder replayRaw(String text) {
            replay.append(text);
            return this;
        }

        Builder replayEnd() {
            replayEnd = true;
            return this;
        }

        Builder live(CloudEvent... events) {
            for (CloudEvent e : events) {
                live.append(frame(e));
            }
            return this;
        }

        SseServer thenHold() throws IOException {
            return new SseServer(path, replay.toString(), replayEnd, live.toString(), After.HOLD);
        }

        SseServer thenClose() throws IOException {
            return new SseServer(path, replay.toString(), replayEnd, live.toString(), After.CLOSE);
        }
    }

    /** One event as the services frame it. */
    static String frame(CloudEvent e) {
        return "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + EventJson.encode(e) + "\n\n";
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void write(OutputStream out, String text) throws IOException {
        if (!text.isEmpty()) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    /** Several, closed together. */
    static final class All implements AutoCloseable {
        private final List<SseServer> servers = new ArrayList<>();

        SseServer add(SseServer s) {
            servers.add(s);
            return s;
        }

        @Override
        public void close() {
            servers.forEach(SseServer::close);
        }
    }
}
