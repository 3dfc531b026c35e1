package dev.tabby.dataplane.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fresh namespace {@code tabby-b-<random>} with the node's underlay interface (a veth {@code eth0} holding the node
 * address, up, MTU 1500: the host MTU the tunnel devices' MTUs derive from), removed on close and by a shutdown hook
 * should the benchmark die. With the ipip module loaded the kernel puts its fallback {@code tunl0} (down) in it too.
 * The overlay benchmarks' (vxlan, ipip) node namespace.
 */
public final class BenchNamespace implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final Thread cleanup;

    private BenchNamespace(String name) {
        this.name = name;
        this.cleanup = new Thread(this::delete, "tabby-bench-netns-cleanup");
    }

    public static BenchNamespace create(String nodeAddress) {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        BenchNamespace ns = new BenchNamespace("tabby-b-" + HexFormat.of().formatHex(suffix));
        run("ip", "netns", "add", ns.name);
        Runtime.getRuntime().addShutdownHook(ns.cleanup);
        try {
            ns.ip("link", "set", "lo", "up");
            ns.ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
            ns.ip("addr", "add", nodeAddress, "dev", "eth0");
            ns.ip("link", "set", "eth0", "up");
            ns.ip("link", "set", "eth0p", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    public void ip(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        run(cmd);
    }

    /** Runs a command and returns its output; fails with that output when it exits non-zero. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private void delete() {
        if (Files.exists(path())) {
            try {
                new ProcessBuilder("ip", "netns", "del", name).start().waitFor(30, TimeUnit.SECONDS);
            } catch (IOException e) {
                // nothing more to do: the namespace goes with the next reboot (or the VM)
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
