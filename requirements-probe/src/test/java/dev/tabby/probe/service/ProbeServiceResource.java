package dev.tabby.probe.service;

import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.probe.testing.FixtureHost;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the probe service needs under test: a real etcd (a test field marked {@link InjectEtcd} gets it, to kill and
 * start again), and a fixture host root whose verdicts are known (a Fedora 17 host with kernel 3.9: kernel-version
 * fails), so readiness and metrics have something to say.
 */
public class ProbeServiceResource implements QuarkusTestResourceLifecycleManager {
    static final String NODE = "probe-test-node";
    static final String RELEASE = "3.9.10-100.fc17.x86_64";

    /** Marks the test's {@link LocalEtcd} field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectEtcd {
    }

    private Path dir;
    private LocalEtcd etcd;

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(etcd, new TestInjector.AnnotatedAndMatchesType(InjectEtcd.class, LocalEtcd.class));
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("tabby-probe-service-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FixtureHost.at(dir.resolve("host")).osRelease("fedora", "17", "Fedora 17 (Beefy Miracle)").kernel(RELEASE, null)
                .procModules("ip_tables", "x_tables").distroModules(RELEASE, true);
        etcd = LocalEtcd.start(dir.resolve("etcd"));
        return Map.of("TABBY_ETCD_ENDPOINTS", etcd.endpoint().toString(),
                "tabby.probe.host-root", dir.resolve("host").toString(),
                "tabby.probe.node", NODE,
                "tabby.probe.modes", "vxlan,bgp",
                "tabby.probe.interval", "1h",
                "tabby.probe.datastore-check-interval", "1s");
    }

    @Override
    public void stop() {
        if (etcd != null) {
            etcd.close();
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
