package dev.tabby.testbed.routers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a router's CLI (birdc, gobgp, vtysh, ip) to completion and keeps what it printed. */
final class Cli {
    private static final long TIMEOUT_SECONDS = 20;

    record Result(List<String> command, int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The output, or an exception naming the command and what it printed when it failed. */
        String orThrow() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): "
                        + oneLine(err.isBlank() ? out : err));
            }
            return out;
        }
    }

    private Cli() {
    }

    static Result run(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            String out = drain(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(command, -1, out, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            return new Result(command, p.exitValue(), out, err.join());
        } catch (IOException e) {
            p.destroyForcibly();
            throw new UncheckedIOException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
        }
    }

    static Result run(String... command) {
        return run(List.of(command));
    }

    static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " | ");
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
