package dev.tabby.cni.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tabby.events.CloudEvent;
import dev.tabby.events.EventHub;
import dev.tabby.events.EventJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The CNI daemon's {@code GET /v1/events[?type=<prefix>]}: its events as Server-Sent Events, the kept ones first,
 * then live, in the wire format every Tabby service uses ({@code id:}, {@code event:} the type, {@code data:} the
 * CloudEvents JSON on one line, a blank line). The daemon is plain Java, so this is the JDK's HTTP server, on
 * 127.0.0.1 only, like the services' HTTP. Each reader has a bounded queue: one that does not keep up loses live
 * events (counted in the hub's dropped) and never slows a CNI call. A comment line every
 * {@value #KEEPALIVE_SECONDS} s finds readers that went away.
 */
final class EventsHttp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EventsHttp.class);
    static final String PATH = "/v1/events";
    static final int READER_QUEUE = 1024;
    static final int KEEPALIVE_SECONDS = 15;
    /** Readers at once; one more is answered 503. */
    static final int MAX_READERS = 16;

    private final HttpServer server;
    private final ExecutorService readers;
    private final EventHub hub;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    private EventsHttp(HttpServer server, EventHub hub) {
        this.server = server;
        this.hub = hub;
        AtomicInteger n = new AtomicInteger();
        this.readers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "tabby-cni-events-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(readers);
        server.createContext("/", this::serve);
    }

    /** Serves {@code hub} on 127.0.0.1:{@code port} (0: any free port). */
    static EventsHttp start(EventHub hub, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        EventsHttp http = new EventsHttp(server, hub);
        server.start();
        return http;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange x) throws IOException {
        try (x) {
            if (!x.getRequestURI().getPath().equals(PATH)) {
                reply(x, 404, "no such resource: " + x.getRequestURI().getPath() + "; the CNI daemon serves GET " + PATH);
                return;
            }
            if (!x.getRequestMethod().equals("GET")) {
                x.getResponseHeaders().set("Allow", "GET");
                reply(x, 405, x.getRequestMethod() + " is not allowed on " + PATH + "; use GET");
                return;
            }
            if (open.incrementAndGet() > MAX_READERS) {
                reply(x, 503, "already " + MAX_READERS + " readers of " + PATH + "; try again when one has gone");
                return;
            }
            try {
                stream(x, typePrefix(x.getRequestURI().getRawQuery()));
            } finally {
                open.decrementAndGet();
            }
        }
    }

    /** Replay, then live events until the reader goes away or the daemon stops. */
    private void stream(HttpExchange x, String prefix) throws IOException {
        BlockingQueue<CloudEvent> queue = new ArrayBlockingQueue<>(READER_QUEUE);
        try (EventHub.Subscription s = hub.subscribe(e -> !e.type().startsWith(prefix) || queue.offer(e))) {
            x.getResponseHeaders().set("Content-Type", "text/event-stream");
            x.getResponseHeaders().set("Cache-Control", "no-cache");
            x.sendResponseHeaders(200, 0);
            OutputStream out = x.getResponseBody();
            for (CloudEvent e : s.replay()) {
                if (e.type().startsWith(prefix)) {
                    write(out, e);
                }
            }
            out.flush();
            while (!closed) {
                CloudEvent e = queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    out.write(": keepalive\n\n".getBytes(StandardCharsets.UTF_8));
                } else {
                    write(out, e);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            LOG.debugf("event=cni_events_reader_gone problem=\"%s\"", gone.getMessage());
        }
    }

    private static void write(OutputStream out, CloudEvent e) throws IOException {
        String frame = "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + EventJson.encode(e) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code type=<prefix>} from the query, "" when absent. */
    static String typePrefix(String rawQuery) {
        if (rawQuery == null) {
            return "";
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("type=")) {
                return URLDecoder.decode(pair.substring("type=".length()), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static void reply(HttpExchange x, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        readers.shutdownNow(); // readers wait in poll(): interrupted, they end their streams
    }
}
