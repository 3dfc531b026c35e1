package dev.tabby.datastore.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.local.Etcdctl;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The latency floor: the real {@code etcdctl watch --prefix -w json} as a child process. Each
 * output line is one watch response; the moment we read it is when etcdctl saw those revisions.
 * Anything our syncer does on top of that is overhead.
 */
final class EtcdctlWatchFloor implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Thread reader;
    private final Map<Long, Long> seenAtNanos = new ConcurrentHashMap<>();
    private final Object lock;

    /** @param lock notified whenever a revision is seen, so the benchmark can wait on it */
    EtcdctlWatchFloor(Etcdctl etcdctl, String prefix, Object lock) {
        this.lock = lock;
        try {
            process = etcdctl.processBuilder("watch", "--prefix", prefix, "-w", "json")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcdctl watch", e);
        }
        reader = new Thread(this::read, "etcdctl-watch-reader");
        reader.setDaemon(true);
        reader.start();
    }

    Long seenAt(long revision) {
        return seenAtNanos.get(revision);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode events = JSON.readTree(line).path("Events");
                for (JsonNode event : events) {
                    seenAtNanos.putIfAbsent(event.path("kv").path("mod_revision").asLong(), now);
                }
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process was stopped.
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
