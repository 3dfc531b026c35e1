package dev.tabby.testbed.bench;

import dev.tabby.netlink.raw.ErrnoException;
import dev.tabby.netlink.raw.NetnsThread;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * HTTP/1.0 to {@code 127.0.0.1:<port>} inside one network namespace, from the host: the socket is made on a thread
 * that entered the namespace (a standalone bgp-speaker listens on its namespace's loopback, as on a node), then used
 * from the caller's thread with a read timeout, so a hung speaker fails the call instead of hanging it.
 */
public final class NamespaceClient implements AutoCloseable {
    /** One answer: the status code and the body. */
    public record Response(int status, String body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String netns;
    private final int port;
    private final Duration timeout;
    private final NetnsThread thread;

    private NamespaceClient(String netns, int port, Duration timeout, NetnsThread thread) {
        this.netns = netns;
        this.port = port;
        this.timeout = timeout;
        this.thread = thread;
    }

    /** A client for {@code port} in the namespace {@code /run/netns/<netns>}. */
    public static NamespaceClient open(String netns, int port, Duration timeout) {
        try {
            return new NamespaceClient(netns, port, timeout, NetnsThread.enter(Path.of("/run/netns", netns)));
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot enter network namespace " + netns + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code method path} with a text/plain {@code body} (null for none) and returns the answer; an
     * {@link UncheckedIOException} when nothing listens or the answer does not come within the timeout.
     */
    public Response send(String method, String path, String body) {
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
            throw new IllegalStateException("cannot open a socket in " + netns + ": " + e.getMessage(), e);
        }
        try (Socket socket = channel.socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.0\r\n")
                    .append("Host: 127.0.0.1\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: text/plain\r\nContent-Length: ").append(payload.length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(payload);
            out.flush();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(raw);
            return parse(raw.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on 127.0.0.1:" + port + " in " + netns + ": "
                    + e.getMessage(), e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    private Response parse(String text) throws IOException {
        int lineEnd = text.indexOf("\r\n");
        int bodyAt = text.indexOf("\r\n\r\n");
        if (lineEnd < 0 || bodyAt < 0) {
            throw new IOException("incomplete HTTP answer (" + text.length() + " bytes)");
        }
        String[] status = text.substring(0, lineEnd).split(" ");
        if (status.length < 2 || !status[1].matches("\\d{3}")) {
            throw new IOException("not an HTTP status line: " + text.substring(0, lineEnd));
        }
        return new Response(Integer.parseInt(status[1]), text.substring(bodyAt + 4));
    }

    /** Lets go of the namespace: the thread that entered it would otherwise keep it alive after deletion. */
    @Override
    public void close() {
        thread.close();
    }
}
