package dev.tabby.bgpspeaker.kernel;

import dev.tabby.netlink.testing.TestNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code ip -n NS monitor route}, the kernel's own account of every route change in a test namespace. A window of
 * changes is bracketed by marker routes (proto static, on a device the test made): {@link #linesUntilMarker} adds one
 * and returns what the monitor printed before it, so no sleep decides when the window closes.
 */
final class RouteMonitor implements AutoCloseable {
    /** Bounds a wait for the marker so a broken monitor fails the test instead of hanging it; not a timing check. */
    private static final long MARKER_WAIT_SECONDS = 30;

    private final TestNamespace ns;
    private final String dev;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private int markers;

    private RouteMonitor(TestNamespace ns, String dev) throws IOException {
        this.ns = ns;
        this.dev = dev;
        this.process = new ProcessBuilder("ip", "-n", ns.name(), "monitor", "route")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process was stopped
            }
        }, "ip-monitor-" + ns.name());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the monitor and returns once it is listening (its first marker came through). */
    static RouteMonitor start(TestNamespace ns, String dev) throws IOException {
        RouteMonitor m = new RouteMonitor(ns, dev);
        try {
            m.linesUntilMarker();
        } catch (RuntimeException | InterruptedException e) {
            m.close();
            throw new IllegalStateException("ip monitor route did not start: " + e.getMessage(), e);
        }
        return m;
    }

    /** Adds the next marker route and returns every line printed since the last marker, up to this one. */
    List<String> linesUntilMarker() throws InterruptedException {
        markers++;
        String marker = "192.0.2." + markers;
        ns.ip("route", "add", marker + "/32", "dev", dev, "proto", "static");
        List<String> out = new ArrayList<>();
        while (true) {
            String line = lines.poll(MARKER_WAIT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new IllegalStateException("ip monitor printed no line for marker route " + marker + " within "
                        + MARKER_WAIT_SECONDS + " s; so far: " + out);
            }
            if (line.startsWith(marker + " ")) {
                return out;
            }
            out.add(line);
        }
    }

    /** Stops the monitor process we started (by its handle, i.e. its PID) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
