package dev.tabby.datastore.testing;

import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.local.Etcdctl;
import dev.tabby.datastore.local.LocalEtcd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real etcd per test class, in a fresh temp dir, stopped and deleted afterwards.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final EtcdExtension ETCD = new EtcdExtension();
 * ... KeyValueStore.connect(ETCD.config()) ...
 * </pre>
 *
 * Tests share the etcd within a class, so each test should use its own key prefix.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    private Path tempDir;
    private LocalEtcd etcd;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        tempDir = Files.createTempDirectory("tabby-etcd-" + context.getRequiredTestClass().getSimpleName() + "-");
        etcd = LocalEtcd.start(tempDir.resolve("data"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (etcd != null) {
                etcd.close();
            }
        } finally {
            deleteRecursively(tempDir);
        }
    }

    public LocalEtcd etcd() {
        return etcd;
    }

    /** Client settings for this etcd (plain http, no auth). */
    public EtcdConfig config() {
        return etcd.clientConfig();
    }

    public Etcdctl etcdctl() {
        return etcd.etcdctl();
    }

    /** A scratch directory inside this class's temp dir, deleted with it. */
    public Path scratchDir(String name) {
        try {
            return Files.createDirectories(tempDir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree; used by tests that make their own temp dirs too. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
