package dev.tabby.renderer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * An empty network namespace {@code tabby-b-<random>} for one round of the benchmark: its own iptables tables and IP
 * sets, nothing of the host's. Removed on close, and by a shutdown hook should the benchmark die first; removing it
 * takes its rules and sets with it.
 */
final class BenchNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final Thread cleanup;

    private BenchNamespace(String name) {
        this.name = name;
        this.cleanup = new Thread(this::delete, "tabby-bench-netns-cleanup");
    }

    static BenchNamespace create() {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        BenchNamespace ns = new BenchNamespace("tabby-b-" + HexFormat.of().formatHex(suffix));
        Commands.run("ip", "netns", "add", ns.name);
        Runtime.getRuntime().addShutdownHook(ns.cleanup);
        try {
            Commands.run("ip", "-n", ns.name, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    String name() {
        return name;
    }

    private void delete() {
        if (Files.exists(Path.of("/run/netns", name))) {
            try {
                new ProcessBuilder("ip", "netns", "del", name).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // nothing more to do; the name says it was the benchmark's
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
