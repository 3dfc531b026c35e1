package dev.tabby.probe.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.local.LocalEtcd;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.datastore.testing.TestCerts;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import dev.tabby.probe.Status;
import dev.tabby.probe.host.HostRoot;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The datastore check against real etcds: plain, TLS with the right CA, TLS with a stranger's CA, and none at all. */
class DatastoreCheckTest {
    private static Path dir;
    private static TestCerts certs;
    private static TestCerts strangers;
    private static LocalEtcd plain;
    private static LocalEtcd tls;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("tabby-probe-datastore-");
        certs = TestCerts.generate(dir.resolve("certs"), "tabby-probe-ca");
        strangers = TestCerts.generate(dir.resolve("strangers"), "someone-else");
        plain = LocalEtcd.start(dir.resolve("plain"));
        tls = LocalEtcd.builder(dir.resolve("tls")).tls(certs.mutualTls()).start();
    }

    @AfterAll
    static void stop() {
        try {
            if (plain != null) {
                plain.close();
            }
            if (tls != null) {
                tls.close();
            }
        } finally {
            EtcdExtension.deleteRecursively(dir);
        }
    }

    private static CheckResult check(Map<String, String> env) {
        ProbeContext ctx = ProbeContext.builder(HostRoot.system()).env(env).node("n1").build();
        return new DatastoreCheck().run(ctx).get(0);
    }

    @Test
    void plainEtcdAnswersWithItsVersion() {
        CheckResult r = check(Map.of("TABBY_ETCD_ENDPOINTS", plain.endpoint().toString()));
        assertEquals(Status.PASS, r.status(), r.observed());
        assertTrue(r.observed().matches("etcd answers the v3 API; server 3\\.\\d+\\.\\d+ at " + plain.endpoint()
                + "; plain http, no TLS"), r.observed());
    }

    @Test
    void tlsAcceptedWithTheRightCa() {
        CheckResult r = check(Map.of("TABBY_ETCD_ENDPOINTS", tls.endpoint().toString(),
                "TABBY_ETCD_CA_FILE", certs.caCert().toString(),
                "TABBY_ETCD_CERT_FILE", certs.clientCert().toString(),
                "TABBY_ETCD_KEY_FILE", certs.clientKey().toString()));
        assertEquals(Status.PASS, r.status(), r.observed());
        assertTrue(r.observed().contains("TLS accepted (CA " + certs.caCert() + ", client certificate "
                + certs.clientCert() + ")"), r.observed());
        assertTrue(r.observed().matches(".*server 3\\.\\d+\\.\\d+ at https://.*"), r.observed());
    }

    @Test
    void tlsWithAStrangersCaFails() {
        CheckResult r = check(Map.of("TABBY_ETCD_ENDPOINTS", tls.endpoint().toString(),
                "TABBY_ETCD_CA_FILE", strangers.caCert().toString(),
                "TABBY_ETCD_CERT_FILE", strangers.clientCert().toString(),
                "TABBY_ETCD_KEY_FILE", strangers.clientKey().toString(),
                "TABBY_ETCD_TIMEOUT", "1s"));
        assertEquals(Status.FAIL, r.status(), r.observed());
        assertTrue(r.observed().contains(tls.endpoint().toString()), r.observed());
    }

    @Test
    void unreachableEtcdFailsNamingTheEndpoint() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        CheckResult r = check(Map.of("TABBY_ETCD_ENDPOINTS", "http://127.0.0.1:" + port, "TABBY_ETCD_TIMEOUT", "1s"));
        assertEquals(Status.FAIL, r.status());
        assertTrue(r.observed().startsWith("etcd at http://127.0.0.1:" + port + " "), r.observed());
        assertTrue(r.remedy().startsWith("start etcd (3.x) or point TABBY_ETCD_ENDPOINTS at it"), r.remedy());
    }

    @Test
    void badSettingsFailWithTheVariable() {
        CheckResult r = check(Map.of("TABBY_ETCD_ENDPOINTS", "127.0.0.1:2379"));
        assertEquals(Status.FAIL, r.status());
        assertTrue(r.observed().startsWith("the datastore settings are not usable: TABBY_ETCD_ENDPOINTS: "
                + "'127.0.0.1:2379' must start with http:// or https://"), r.observed());
    }
}
