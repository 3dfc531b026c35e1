package dev.tabby.probe.host;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The host being probed, seen through its root directory: {@code /} for this machine, {@code /host} for a container
 * with the host's root mounted there, or a fixture directory in tests. Every file the probe reads goes through here,
 * so {@code --host-root} moves all of them at once; absolute symlinks inside the root are followed inside it.
 *
 * <p>The host is <em>live</em> when it is the kernel this process runs on: the root is {@code /}, or the root's
 * {@code /proc/sys/kernel/random/boot_id} is ours. Only a live host gets the active tests (scratch namespace,
 * scratch ipset) and has commands run for it; under any other root, command output comes from captures the root
 * provides in {@value #CAPTURE_DIR}{@code <name>.txt}.
 */
public final class HostRoot {
    /** Where a fixture root keeps the output of commands the probe would run on a live host. */
    public static final String CAPTURE_DIR = "/var/lib/tabby-probe/";

    private static final int MAX_BYTES = 32 * 1024 * 1024;
    private static final int MAX_SYMLINK_HOPS = 40;
    private static final long COMMAND_TIMEOUT_SECONDS = 10;
    private static final List<String> SYSTEM_BIN_DIRS =
            List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private final Path root;
    private final boolean isSlash;
    private final boolean live;

    private HostRoot(Path root, boolean live) {
        this.root = root;
        this.isSlash = root.getParent() == null;
        this.live = live;
    }

    /** This machine. */
    public static HostRoot system() {
        return new HostRoot(Path.of("/"), true);
    }

    /** The host whose root is {@code dir}; live when {@code dir} is {@code /} or holds this kernel's boot id. */
    public static HostRoot at(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (root.getParent() == null) {
            return system();
        }
        HostRoot candidate = new HostRoot(root, false);
        Optional<String> theirs = candidate.read("/proc/sys/kernel/random/boot_id").firstLine();
        Optional<String> ours = system().read("/proc/sys/kernel/random/boot_id").firstLine();
        boolean live = theirs.isPresent() && theirs.equals(ours);
        return live ? new HostRoot(root, true) : candidate;
    }

    public Path root() {
        return root;
    }

    /** True when this is the running kernel, so active tests and commands may run. */
    public boolean live() {
        return live;
    }

    /**
     * Where the network state of the probed node is read: interfaces, routes, sockets ({@code /proc/net/*}), network
     * sysctls ({@code /proc/sys/net}) and the firewall's table names. A node is the network namespace this process
     * runs in (the testbed runs the probe under {@code ip netns exec}, a DaemonSet's container has the node's), so
     * on a live host these come from this process's own {@code /proc} and {@code /sys}, never from the mounted
     * root's: a {@code /host/sys} mounted from the host's namespace would show the host's interfaces instead. Under a
     * fixture root they come from the fixture, as every other file does.
     */
    public HostRoot network() {
        return live && !isSlash ? system() : this;
    }

    /** True when the root is {@code /}. */
    public boolean isSystemRoot() {
        return isSlash;
    }

    /** A host path as the operator should see it: {@code /etc/os-release} or {@code /host/etc/os-release}. */
    public String shown(String absPath) {
        return isSlash ? absPath : root + absPath;
    }

    /** The file system path of a host path, with symlinks inside the root resolved inside it. */
    public Path path(String absPath) {
        if (!absPath.startsWith("/")) {
            throw new IllegalArgumentException("host paths are absolute: " + absPath);
        }
        return isSlash ? Path.of(absPath) : resolveInRoot(absPath);
    }

    public FileText read(String absPath) {
        String shown = shown(absPath);
        Raw raw = readBytes(absPath);
        return raw.bytes == null ? raw.failure(shown) : FileText.ok(shown, new String(raw.bytes, StandardCharsets.UTF_8));
    }

    /** Reads a gzip'd file ({@code /proc/config.gz}); a truncated or non-gzip file is unreadable, with the reason. */
    public FileText readGzip(String absPath) {
        String shown = shown(absPath);
        Raw raw = readBytes(absPath);
        if (raw.bytes == null) {
            return raw.failure(shown);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw.bytes))) {
            byte[] out = in.readNBytes(MAX_BYTES + 1);
            if (out.length > MAX_BYTES) {
                return FileText.unreadable(shown, "decompresses to more than " + MAX_BYTES + " bytes");
            }
            return FileText.ok(shown, new String(out, StandardCharsets.UTF_8));
        } catch (EOFException e) {
            return FileText.unreadable(shown, "truncated gzip: " + message(e));
        } catch (ZipException e) {
            return FileText.unreadable(shown, "not valid gzip: " + message(e));
        } catch (IOException e) {
            return FileText.unreadable(shown, message(e));
        }
    }

    public boolean exists(String absPath) {
        return Files.exists(path(absPath));
    }

    public boolean isDirectory(String absPath) {
        return Files.isDirectory(path(absPath));
    }

    /** The target of a symlink as stored, unresolved ({@code socket:[1234]} for a socket fd). */
    public Optional<String> readLink(String absPath) {
        try {
            Path p = isSlash ? Path.of(absPath) : resolveInRoot(parentOf(absPath)).resolve(nameOf(absPath));
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Names in a directory, sorted; empty when it is not there; {@code problem} set when it cannot be listed. */
    public Listing list(String absDir) {
        Path dir = path(absDir);
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                names.add(p.getFileName().toString());
            }
        } catch (NoSuchFileException e) {
            return new Listing(shown(absDir), List.of(), false, null);
        } catch (NotDirectoryException e) {
            return new Listing(shown(absDir), List.of(), true, "not a directory");
        } catch (IOException | SecurityException e) {
            return new Listing(shown(absDir), List.of(), true, message(e));
        }
        names.sort(null);
        return new Listing(shown(absDir), List.copyOf(names), true, null);
    }

    /** A directory's entries; {@code exists} false when it is not there. */
    public record Listing(String shown, List<String> names, boolean exists, String problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /**
     * Where a command can be found: on a live host on PATH (plus the sbin directories, which root's PATH has anyway);
     * under a fixture root, in the root's bin and sbin directories.
     */
    public Optional<String> findBinary(String name) {
        if (live) {
            Set<String> dirs = new LinkedHashSet<>();
            String pathVar = System.getenv("PATH");
            if (pathVar != null) {
                for (String d : pathVar.split(":")) {
                    if (!d.isBlank()) {
                        dirs.add(d);
                    }
                }
            }
            dirs.addAll(SYSTEM_BIN_DIRS);
            for (String d : dirs) {
                Path p = Path.of(d, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p.toString());
                }
            }
            return Optional.empty();
        }
        for (String d : SYSTEM_BIN_DIRS) {
            // A link counts even when its target is not there: alternatives may point outside a fixture.
            Path unresolved = path(d).resolve(name);
            if (Files.exists(unresolved, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(d + "/" + name);
            }
        }
        return Optional.empty();
    }

    /**
     * The output of a read-only command. On a live host the command runs (if it is installed) with a 10 s limit;
     * otherwise the capture {@code <root>/var/lib/tabby-probe/<capture>.txt} stands in for it.
     */
    public CommandOutput run(String capture, String... argv) {
        if (!live) {
            String capturePath = CAPTURE_DIR + capture + ".txt";
            FileText text = read(capturePath);
            return switch (text.kind()) {
                case OK -> CommandOutput.ok(text.shown(), text.content());
                case MISSING -> CommandOutput.absent(text.shown(), "no capture of '" + String.join(" ", argv)
                        + "' at " + text.shown());
                case UNREADABLE -> CommandOutput.failed(text.shown(), text.describe());
            };
        }
        String command = String.join(" ", argv);
        Optional<String> binary = findBinary(argv[0]);
        if (binary.isEmpty()) {
            return CommandOutput.absent(command, argv[0] + " is not installed");
        }
        List<String> args = new ArrayList<>(List.of(argv));
        args.set(0, binary.get());
        Process process;
        try {
            ProcessBuilder pb = new ProcessBuilder(args);
            pb.environment().put("LC_ALL", "C");
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = pb.start();
        } catch (IOException e) {
            return CommandOutput.failed(command, "cannot run: " + message(e));
        }
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return CommandOutput.failed(command, "no answer within " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            String stdout = new String(out.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            String stderr = new String(err.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                String first = stderr.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst()
                        .orElse("no message");
                return CommandOutput.failed(command, "exit " + process.exitValue() + ": " + first);
            }
            return CommandOutput.ok(command, stdout);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return CommandOutput.failed(command, "interrupted");
        } catch (Exception e) {
            process.destroyForcibly();
            return CommandOutput.failed(command, message(e));
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return in.readNBytes(MAX_BYTES);
            } catch (IOException e) {
                return new byte[0];
            }
        });
    }

    /** The bytes of a file, or why there are none. */
    private record Raw(byte[] bytes, FileText.Kind kind, String problem) {
        FileText failure(String shown) {
            return kind == FileText.Kind.MISSING ? FileText.missing(shown) : FileText.unreadable(shown, problem);
        }
    }

    private Raw readBytes(String absPath) {
        Path p;
        try {
            p = path(absPath);
        } catch (RuntimeException e) {
            return new Raw(null, FileText.Kind.UNREADABLE, message(e));
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
            if (attrs.isDirectory()) {
                return new Raw(null, FileText.Kind.UNREADABLE, "is a directory, not a file");
            }
            if (!attrs.isRegularFile()) {
                // A FIFO would block the read forever; a device is never what the probe wants.
                return new Raw(null, FileText.Kind.UNREADABLE, "not a regular file (a FIFO, socket or device)");
            }
            try (InputStream in = Files.newInputStream(p)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    return new Raw(null, FileText.Kind.UNREADABLE, "larger than " + MAX_BYTES + " bytes");
                }
                return new Raw(bytes, FileText.Kind.OK, null);
            }
        } catch (NoSuchFileException e) {
            return new Raw(null, FileText.Kind.MISSING, null);
        } catch (AccessDeniedException e) {
            return new Raw(null, FileText.Kind.UNREADABLE, "permission denied");
        } catch (IOException | SecurityException e) {
            return new Raw(null, FileText.Kind.UNREADABLE, message(e));
        }
    }

    /** Walks {@code absPath} below the root, restarting at the root for absolute link targets. */
    private Path resolveInRoot(String absPath) {
        Deque<String> pending = new ArrayDeque<>(split(absPath));
        Path current = root;
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!current.equals(root)) {
                    current = current.getParent();
                }
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next) && hops < MAX_SYMLINK_HOPS) {
                hops++;
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    current = next;
                    continue;
                }
                List<String> parts = split(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    pending.push(parts.get(i));
                }
                if (target.startsWith("/")) {
                    current = root;
                }
                continue;
            }
            current = next;
        }
        return current;
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        return parts;
    }

    private static String parentOf(String absPath) {
        int slash = absPath.lastIndexOf('/');
        return slash <= 0 ? "/" : absPath.substring(0, slash);
    }

    private static String nameOf(String absPath) {
        return absPath.substring(absPath.lastIndexOf('/') + 1);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public String toString() {
        return root + (live ? " (live)" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostRoot h && h.root.equals(root) && h.live == live;
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, live);
    }
}
