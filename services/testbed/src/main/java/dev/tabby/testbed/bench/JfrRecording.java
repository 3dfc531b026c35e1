package dev.tabby.testbed.bench;

import java.nio.file.Path;

/**
 * Async sampling of a running JVM with Flight Recorder, started and stopped from outside with {@code jcmd}: where the
 * JVM spends one phase, with no safepoint bias. Read it with {@code jfr print --events jdk.ExecutionSample FILE} or
 * {@code jfr summary FILE}. Only when the operator asks for it.
 */
final class JfrRecording implements AutoCloseable {
    private static final String NAME = "tabby-bench";

    private final long pid;
    private final Path file;
    private boolean stopped;

    private JfrRecording(long pid, Path file) {
        this.pid = pid;
        this.file = file;
    }

    /** Starts a recording with the JDK's "profile" settings (Java samples every 10 ms) in the JVM {@code pid}. */
    static JfrRecording start(long pid, Path file) {
        PeeringLab.run("jcmd", Long.toString(pid), "JFR.start", "name=" + NAME, "settings=profile");
        return new JfrRecording(pid, file.toAbsolutePath());
    }

    /** Stops the recording and writes it to the file; idempotent. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        PeeringLab.run("jcmd", Long.toString(pid), "JFR.stop", "name=" + NAME, "filename=" + file);
        System.out.println("Tabby's flight recording of the announce phase: " + file);
    }
}
