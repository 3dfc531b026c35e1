package dev.tabby.dataplane.iptables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the iptables and ipset command-line tools. In production the commands run as they are (the renderer already
 * lives in its node's network namespace); tests prefix {@code ip netns exec NS} so nothing touches the host.
 */
@FunctionalInterface
public interface CommandRunner {
    /** How long one command may take; iptables-restore waits up to 10 s for the xtables lock on top of its work. */
    long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} with {@code stdin} as its input (empty for none). Returns the exit code and output; throws
     * {@link IllegalStateException} only when the command could not be started or did not finish in time.
     */
    Result run(List<String> argv, String stdin);

    /** Runs commands in this process's own network namespace: production. */
    static CommandRunner plain() {
        return CommandRunner::exec;
    }

    /** Runs every command inside network namespace {@code ns} through {@code ip netns exec}: tests. */
    static CommandRunner inNamespace(String ns) {
        return (argv, stdin) -> {
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            full.addAll(argv);
            return exec(full, stdin);
        };
    }

    private static Result exec(List<String> argv, String stdin) {
        String line = String.join(" ", argv);
        try {
            Process p = new ProcessBuilder(argv).start();
            // Drain both streams while writing stdin, so neither side can block on a full pipe.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The command exited without reading all its input; its exit code and stderr tell why.
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(line + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + line + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + line, e);
        }
    }

    private static String readAll(java.io.InputStream s) {
        try (s) {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
