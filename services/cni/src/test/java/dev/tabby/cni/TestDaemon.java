package dev.tabby.cni;

import dev.tabby.cni.daemon.CniDaemon;
import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.plugin.PluginContext;
import dev.tabby.cni.plugin.Plugins;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A CNI daemon on {@code socket} with its own datastore connections, as the tests run it; closes both. */
final class TestDaemon implements AutoCloseable {
    private final Datastores datastores;
    private final CniDaemon daemon;

    private TestDaemon(Datastores datastores, CniDaemon daemon) {
        this.datastores = datastores;
        this.daemon = daemon;
    }

    static TestDaemon start(Path socket) throws IOException {
        Datastores datastores = new Datastores();
        try {
            return new TestDaemon(datastores, CniDaemon.start(socket, new Plugins(new PluginContext(datastores, Map.of()))));
        } catch (IOException | RuntimeException e) {
            datastores.close();
            throw e;
        }
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
