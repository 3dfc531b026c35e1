package dev.tabby.netlink.testing;

import dev.tabby.netlink.Netlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network namespace for one test, named {@code tabby-t-<random>} and made with {@code ip netns add}. Close it (try
 * with resources, or {@link NamespaceExtension}); a JVM shutdown hook removes any a crashed test left behind.
 */
public final class TestNamespace implements AutoCloseable {
    public static final String PREFIX = "tabby-t-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<TestNamespace> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> new ArrayList<>(LIVE).forEach(TestNamespace::close),
                "tabby-test-netns-cleanup"));
    }

    private final String name;
    private final List<AutoCloseable> handles = new ArrayList<>();

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Creates a fresh namespace with loopback up (as a container runtime would leave it). */
    public static TestNamespace create() {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        TestNamespace ns = new TestNamespace(PREFIX + HexFormat.of().formatHex(suffix));
        Cmd.run("ip", "netns", "add", ns.name);
        LIVE.add(ns);
        try {
            Cmd.run("ip", "-n", ns.name, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code /run/netns/NAME}, what {@link Netlink#at} takes. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** A Netlink handle on this namespace, closed with the namespace. */
    public Netlink netlink() {
        Netlink nl = Netlink.at(path());
        synchronized (handles) {
            handles.add(nl);
        }
        return nl;
    }

    /** The oracle: iproute2 run against this namespace. */
    public IpOracle oracle() {
        return new IpOracle(name);
    }

    /** Runs {@code ip -n NAME ARGS...} and returns its stdout. */
    public String ip(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Cmd.run(cmd);
    }

    /** Deletes the namespace; idempotent, and safe when the test already removed it. */
    @Override
    public void close() {
        synchronized (handles) {
            for (AutoCloseable h : handles) {
                try {
                    h.close();
                } catch (Exception e) {
                    // the namespace goes anyway
                }
            }
            handles.clear();
        }
        if (Files.exists(path())) {
            Cmd.exec("ip", "netns", "del", name);
        }
        LIVE.remove(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
