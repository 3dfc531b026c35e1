package dev.tabby.testbed.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Asks the kernel whether an address is in an IP set, many times a second, through one long-lived {@code ipset -}
 * (ipset's interactive mode) in a namespace. A process per question ({@code nsenter ... ipset test}) costs tens of ms on
 * a busy machine, which would swamp the latencies a benchmark measures with it.
 */
final class IpsetProbe implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final InputStream out;

    IpsetProbe(Path netns) {
        try {
            process = new ProcessBuilder(List.of("nsenter", "--net=" + netns, "ipset", "-")).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start ipset in " + netns + ": " + e.getMessage(), e);
        }
        in = process.getOutputStream();
        out = process.getInputStream();
    }

    /** True when {@code ip} is in {@code set}; false when it is not or the set does not exist. */
    synchronized boolean contains(String set, String ip) throws IOException {
        in.write(("test " + set + " " + ip + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        // Each answer is one line, after the prompt "ipset> " (no newline of its own).
        StringBuilder line = new StringBuilder();
        while (true) {
            int c = out.read();
            if (c < 0) {
                throw new IOException("ipset exited (" + line + ")");
            }
            if (c != '\n') {
                line.append((char) c);
                continue;
            }
            String l = line.toString();
            if (l.contains(" is in set ")) {
                return true;
            }
            if (l.contains(" is NOT in set ") || l.contains("does not exist")) {
                return false;
            }
            line.setLength(0);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
