package dev.tabby.renderer.bench;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * HTTP/1.0 GETs to a service on the node namespace's own loopback, as on a node: the socket is made on a thread that
 * entered the namespace, then used from the caller's. HTTP/1.0, so an event stream comes unchunked, line by line.
 */
final class NodeHttp implements AutoCloseable {
    /** The status code and the body. */
    record Response(int status, String body) {
    }

    private final String netns;
    private final int port;
    private final NetnsThread thread;

    NodeHttp(String netns, int port) {
        this.netns = netns;
        this.port = port;
        try {
            this.thread = NetnsThread.enter(Path.of("/run/netns", netns));
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot enter network namespace " + netns + ": " + e.getMessage(), e);
        }
    }

    /** The answer, or null while nothing listens. */
    Response get(String path) {
        try (Socket s = connect(path, 5000)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int status = status(in.readLine());
            skipHeaders(in);
            StringBuilder body = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                body.append(line).append('\n');
            }
            return new Response(status, body.toString());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Opens {@code path} as an event stream and hands each {@code data:} line's payload to {@code onData} on a thread
     * of its own until the returned stream is closed or the server ends it. Fails unless the answer is 200.
     */
    AutoCloseable stream(String path, Consumer<String> onData) {
        Socket s;
        try {
            s = connect(path, 0);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int status = status(in.readLine());
            if (status != 200) {
                s.close();
                throw new IllegalStateException("GET " + path + " in " + netns + " answered " + status + ", not 200");
            }
            skipHeaders(in);
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("data:")) {
                            onData.accept(line.substring(5).strip());
                        }
                    }
                } catch (IOException e) {
                    // closed by the bench, or the renderer ended: the stream is over either way
                }
            }, "flows-bench-sse");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " in " + netns + ": " + e.getMessage(), e);
        }
        return s::close;
    }

    private Socket connect(String path, int readTimeoutMs) throws IOException {
        SocketChannel channel;
        try {
            channel = thread.call(() -> {
                try {
                    return SocketChannel.open();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (ErrnoException e) {
            throw new IOException("cannot open a socket in " + netns + ": " + e.getMessage(), e);
        }
        Socket s = channel.socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 3000);
            s.setSoTimeout(readTimeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static int status(String statusLine) throws IOException {
        if (statusLine == null || !statusLine.startsWith("HTTP/")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    private static void skipHeaders(BufferedReader in) throws IOException {
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            // headers are not needed
        }
    }

    @Override
    public void close() {
        thread.close();
    }
}
