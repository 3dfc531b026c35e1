package dev.tabby.datastore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.syncer.SyncStatus;
import dev.tabby.datastore.syncer.Syncer;
import dev.tabby.datastore.syncer.SyncerConfig;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.RecordingCallbacks;
import dev.tabby.datastore.testing.TestCerts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS with certificates made for the test, and etcd user/password authentication. */
class TlsAndAuthTest {

    private static final Duration SHORT = Duration.ofSeconds(3);
    private static Path dir;
    private static TestCerts certs;
    private static TestCerts strangers;
    private static LocalEtcd tlsEtcd;
    private static LocalEtcd authEtcd;

    @BeforeAll
    static void startEtcds() throws IOException {
        dir = Files.createTempDirectory("tabby-tls-auth-");
        certs = TestCerts.generate(dir.resolve("certs"), "tabby-test-ca");
        strangers = TestCerts.generate(dir.resolve("strangers"), "some-other-ca");
        tlsEtcd = LocalEtcd.builder(dir.resolve("tls-data")).tls(certs.mutualTls()).start();
        authEtcd = LocalEtcd.start(dir.resolve("auth-data"));
        authEtcd.etcdctl().run("user", "add", "root:correct-horse");
        authEtcd.etcdctl().run("auth", "enable");
        authEtcd.useCredentials("root", "correct-horse");
    }

    @AfterAll
    static void stopEtcds() {
        try {
            if (tlsEtcd != null) {
                tlsEtcd.close();
            }
            if (authEtcd != null) {
                authEtcd.close();
            }
        } finally {
            EtcdExtension.deleteRecursively(dir);
        }
    }

    @Test
    void rightCaAndClientCertificateWork() {
        try (KeyValueStore store = KeyValueStore.connect(tlsEtcd.clientConfig())) {
            long rev = store.create("/tls/a", "secure".getBytes(UTF_8));
            assertEquals(rev, store.get("/tls/a").orElseThrow().modRevision());
            RecordingCallbacks consumer = new RecordingCallbacks();
            try (Syncer syncer = new Syncer(store, SyncerConfig.of("tls", List.of("/tls/")), consumer)) {
                syncer.start();
                consumer.awaitStatus(SyncStatus.IN_SYNC, Duration.ofSeconds(10));
                store.put("/tls/b", "watched".getBytes(UTF_8));
                consumer.awaitState(Duration.ofSeconds(10), () -> tlsEtcd.etcdctl().getPrefix("/tls/"));
            }
        }
    }

    @Test
    void wrongCaIsRefusedWithAClearMessage() {
        EtcdConfig config = tlsEtcd.clientConfig().withTls(strangers.caCert(), certs.clientCert(), certs.clientKey())
                .withTimeout(SHORT);
        try (KeyValueStore store = KeyValueStore.connect(config)) {
            DatastoreUnavailableException e = assertThrows(DatastoreUnavailableException.class,
                    () -> store.get("/tls/a"));
            assertTrue(e.getMessage().contains(tlsEtcd.endpoint().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("not signed by the CA in TABBY_ETCD_CA_FILE"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void clientCertificateFromAnotherCaIsRefused() {
        EtcdConfig config = tlsEtcd.clientConfig().withTls(certs.caCert(), strangers.clientCert(),
                strangers.clientKey()).withTimeout(SHORT);
        try (KeyValueStore store = KeyValueStore.connect(config)) {
            DatastoreUnavailableException e = assertThrows(DatastoreUnavailableException.class,
                    () -> store.get("/tls/a"));
            assertTrue(e.getMessage().contains("etcd rejected our client certificate"), e.getMessage());
        }
    }

    @Test
    void rightPasswordWorks() {
        EtcdConfig config = authEtcd.clientConfig().withCredentials("root", "correct-horse");
        try (KeyValueStore store = KeyValueStore.connect(config)) {
            long rev = store.create("/auth/a", "x".getBytes(UTF_8));
            assertEquals(rev, store.get("/auth/a").orElseThrow().modRevision());
            RecordingCallbacks consumer = new RecordingCallbacks();
            SyncerConfig syncerConfig = SyncerConfig.of("auth", List.of("/auth/"))
                    .withCanary(Duration.ofMillis(200), Duration.ofSeconds(2));
            try (Syncer syncer = new Syncer(store, syncerConfig, consumer)) {
                syncer.start();
                consumer.awaitStatus(SyncStatus.IN_SYNC, Duration.ofSeconds(10));
                store.put("/auth/b", "watched".getBytes(UTF_8));
                consumer.awaitState(Duration.ofSeconds(10), () -> authEtcd.etcdctl().getPrefix("/auth/"));
                assertEquals(0, syncer.counters().canaryFailures(), "the canary can write with our credentials");
            }
        }
    }

    @Test
    void wrongPasswordIsRefusedWithoutEchoingIt() {
        EtcdConfig config = authEtcd.clientConfig().withCredentials("root", "battery-staple").withTimeout(SHORT);
        try (KeyValueStore store = KeyValueStore.connect(config)) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> store.get("/auth/a"));
            assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
            assertTrue(e.getMessage().contains("TABBY_ETCD_PASSWORD"), e.getMessage());
            assertTrue(e.getMessage().contains(authEtcd.endpoint().toString()), e.getMessage());
            assertFalse(e.getMessage().contains("battery-staple"), e.getMessage());
        }
    }

    @Test
    void missingCredentialsAreRefused() {
        try (KeyValueStore store = KeyValueStore.connect(authEtcd.clientConfig().withTimeout(SHORT))) {
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> store.get("/auth/a"));
            assertTrue(e.getMessage().contains("TABBY_ETCD_USERNAME"), e.getMessage());
        }
    }
}
