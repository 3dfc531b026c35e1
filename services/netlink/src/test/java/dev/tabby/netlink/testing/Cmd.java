package dev.tabby.netlink.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command for tests (iproute2 as the oracle); a non-zero exit is an exception carrying stderr. */
public final class Cmd {
    private Cmd() {
    }

    /** Stdout of the command; fails with the command line and stderr when it exits non-zero. */
    public static String run(String... command) {
        Result r = exec(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout();
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result exec(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            // Read both streams concurrently so a chatty command cannot block on a full pipe.
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            String out = read(p.getInputStream());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(p.exitValue(), out, err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
