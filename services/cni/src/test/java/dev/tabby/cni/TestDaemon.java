package dev.tabby.cni;

import dev.tabby.cni.daemon.CniDaemon;
import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.plugin.PluginContext;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.netlink.Netlink;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A CNI daemon on {@code socket} in this JVM, with its own datastore connections, as the tests run it; closes both.
 * A real node's daemon works on its own network namespace; this one works on the test's node namespace, handed to it
 * in code ({@link #node}), and reads the node's MTU file from {@link #mtuFile()} (absent unless a test writes it).
 */
final class TestDaemon implements AutoCloseable {
    private final Datastores datastores;
    private final CniDaemon daemon;
    private final AtomicReference<Path> node;
    private final Path mtuFile;

    private TestDaemon(Datastores datastores, CniDaemon daemon, AtomicReference<Path> node, Path mtuFile) {
        this.datastores = datastores;
        this.daemon = daemon;
        this.node = node;
        this.mtuFile = mtuFile;
    }

    static TestDaemon start(Path socket) throws IOException {
        return start(socket, UnaryOperator.identity());
    }

    /** @param customize changes to the test context (a delegate timeout, ...) */
    static TestDaemon start(Path socket, UnaryOperator<PluginContext> customize) throws IOException {
        Datastores datastores = new Datastores();
        AtomicReference<Path> node = new AtomicReference<>();
        Path mtuFile = socket.toAbsolutePath().getParent().resolve("mtu");
        try {
            PluginContext context = customize.apply(forNode(datastores, node::get, mtuFile));
            return new TestDaemon(datastores, CniDaemon.start(socket, new Plugins(context)), node, mtuFile);
        } catch (IOException | RuntimeException e) {
            datastores.close();
            throw e;
        }
    }

    /** A plugin context whose host side is the namespace {@code node} names at each call. */
    static PluginContext forNode(Datastores datastores, java.util.function.Supplier<Path> node, Path mtuFile) {
        return new PluginContext(datastores, Map.of()).withMtuFile(mtuFile).withHostNetlink(() -> {
            Path ns = node.get();
            if (ns == null) {
                throw new IllegalStateException("the test has not told the daemon its node namespace (TestDaemon.node)");
            }
            return Netlink.at(ns);
        });
    }

    /** From now on, the node's namespace is {@code host}. */
    TestDaemon node(TestNamespace host) {
        node.set(host.path());
        return this;
    }

    Path mtuFile() {
        return mtuFile;
    }

    Path socket() {
        return daemon.socket();
    }

    /** The plugin as a runtime reaches it through this daemon. */
    CniRuntime.Transport transport() {
        return CniRuntime.daemon(daemon.socket());
    }

    @Override
    public void close() {
        try {
            daemon.close();
        } finally {
            datastores.close();
        }
    }
}
