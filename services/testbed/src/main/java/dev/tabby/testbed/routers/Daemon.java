package dev.tabby.testbed.routers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * One routing daemon running in the foreground inside a network namespace ({@code ip netns exec NS ...}, which
 * execs the daemon in place, so the process we hold is the daemon and its PID is the daemon's). Its output goes to
 * a log file; a failed start quotes the log's last lines.
 */
final class Daemon {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int TAIL_LINES = 15;

    private final String name;
    private final String netns;
    private final Process process;
    private final Path log;

    private Daemon(String name, String netns, Process process, Path log) {
        this.name = name;
        this.netns = netns;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code netns}, then waits until {@code ready} says it answers. A daemon that exits
     * or does not answer in {@code readyTimeout} is stopped, and the exception carries its log's last lines.
     */
    static Daemon start(String name, String netns, List<String> command, Path log, BooleanSupplier ready,
            Duration readyTimeout) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(command);
        Process p;
        try {
            Files.deleteIfExists(log);
            p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " in " + netns + ": " + e.getMessage(), e);
        }
        Daemon d = new Daemon(name, netns, p, log);
        LOG.info(() -> "event=router_started daemon=" + name + " netns=" + netns + " pid=" + p.pid() + " log=" + log);
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + p.exitValue() + " while starting in "
                        + netns + "; last lines of " + log + ": " + d.tail());
            }
            if (ready.getAsBoolean()) {
                return d;
            }
            if (System.nanoTime() > deadline) {
                d.stop();
                throw new IllegalStateException(name + " did not answer on its control socket within "
                        + readyTimeout.toSeconds() + " s in " + netns + "; last lines of " + log + ": " + d.tail());
            }
            sleep(200);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** SIGTERM to the daemon's PID; SIGKILL if it is still there after 5 s. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning(() -> "event=router_kill daemon=" + name + " pid=" + process.pid()
                        + " reason=still_running_after_sigterm grace_s=" + STOP_GRACE.toSeconds());
                kill9();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9();
        }
        LOG.info(() -> "event=router_stopped daemon=" + name + " netns=" + netns + " pid=" + process.pid());
    }

    /** SIGKILL to the daemon's PID, as a crash would end it; returns once it is gone. */
    void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The log's last lines, joined on one line for an exception message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return last.isEmpty() ? "(empty)" : String.join(" | ", last);
        } catch (IOException e) {
            return "(cannot read: " + e.getMessage() + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
