package dev.tabby.testbed.vm;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a command in a VM with Debian's stock kernel through {@code bin/tabby vm run} (scripts/vm.sh), for tests that
 * need kernel modules this host's kernel lacks. The command is an argv; pass {@code bash -c '...'} for a shell. Its
 * stdout and stderr lines reach the sink as they are printed (each stream in order; the two interleave as they
 * arrive). The VM boots in about 10 s and runs Java 20-50x slower than the host: run built jars in it, never Maven.
 */
public final class VmRun {
    /** What {@code bin/tabby vm run} exits with when it, not the command, failed (bad flag, VM did not boot). */
    public static final int VM_FAILED = 125;
    /** What {@code bin/tabby vm run} exits with when the command outlived {@code --timeout}. */
    public static final int TIMED_OUT = 124;

    private final Path repoRoot;
    private Path directory;
    private int cpus = 2;
    private String memory = "3G";
    private int timeoutSeconds = 1800;
    private final Map<String, String> environment = new LinkedHashMap<>();

    private VmRun(Path repoRoot) {
        this.repoRoot = repoRoot;
        this.directory = repoRoot;
    }

    /** A run of {@code REPO_ROOT/bin/tabby vm run}, in the repository root unless {@link #in(Path)} says otherwise. */
    public static VmRun of(Path repoRoot) {
        return new VmRun(repoRoot.toAbsolutePath().normalize());
    }

    /** The directory the command runs in; the VM shares it read-write, so the command's writes there reach the host. */
    public VmRun in(Path dir) {
        this.directory = dir.toAbsolutePath().normalize();
        return this;
    }

    public VmRun cpus(int n) {
        this.cpus = n;
        return this;
    }

    /** Memory as qemu takes it: {@code 3G}, {@code 512M}. */
    public VmRun memory(String size) {
        this.memory = size;
        return this;
    }

    public VmRun timeoutSeconds(int seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /**
     * An environment variable for the command. bin/tabby passes only PATH, HOME, JAVA_HOME, the locale and the like,
     * and every variable starting with {@code TABBY_}, into the VM.
     */
    public VmRun env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /**
     * Runs the command and returns its exit code ({@link #TIMED_OUT} when it outlived the timeout).
     *
     * @throws VmRunException when the VM could not run it: bin/tabby missing, a bad option, a VM that did not boot
     */
    public int run(List<String> command, Consumer<String> sink) throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of(repoRoot.resolve("bin/tabby").toString(), "vm", "run",
                "--cpus", Integer.toString(cpus), "--mem", memory, "--timeout", Integer.toString(timeoutSeconds), "--"));
        argv.addAll(command);
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(environment);
            process = pb.start();
        } catch (IOException e) {
            throw new VmRunException("cannot start " + argv.get(0) + ": " + e.getMessage());
        }
        String[] lastError = {null};
        Thread out = pump(process.getInputStream(), sink, line -> { });
        Thread err = pump(process.getErrorStream(), sink, line -> lastError[0] = line);
        int exit;
        try {
            exit = process.waitFor();
            out.join();
            err.join();
        } catch (InterruptedException e) {
            // bin/tabby kills its qemu by PID on SIGTERM, which destroy() sends.
            process.destroy();
            throw e;
        }
        String last = lastError[0];
        if (exit == VM_FAILED && last != null && last.startsWith("tabby: error: ")) {
            throw new VmRunException("bin/tabby vm run failed: " + last.substring("tabby: error: ".length()));
        }
        return exit;
    }

    private static Thread pump(InputStream stream, Consumer<String> sink, Consumer<String> seen) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    seen.accept(line);
                    synchronized (sink) {
                        sink.accept(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "vm-run-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The VM could not run the command; the message is bin/tabby's one-line error. */
    public static final class VmRunException extends RuntimeException {
        public VmRunException(String message) {
            super(message);
        }
    }
}
