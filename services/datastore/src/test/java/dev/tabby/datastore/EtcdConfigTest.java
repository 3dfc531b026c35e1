package dev.tabby.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsToLocalEtcdWithTenSecondTimeout() {
        EtcdConfig config = EtcdConfig.fromEnvironment(Map.of());
        assertEquals(List.of(URI.create("http://127.0.0.1:2379")), config.endpoints());
        assertEquals(Duration.ofSeconds(10), config.timeout());
        assertFalse(config.usesTls());
        assertTrue(config.username().isEmpty());
    }

    @Test
    void readsEveryVariable() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        Map<String, String> env = new HashMap<>();
        env.put("TABBY_ETCD_ENDPOINTS", " https://10.0.0.1:2379 , https://etcd-2 ");
        env.put("TABBY_ETCD_CA_FILE", ca.toString());
        env.put("TABBY_ETCD_CERT_FILE", cert.toString());
        env.put("TABBY_ETCD_KEY_FILE", key.toString());
        env.put("TABBY_ETCD_USERNAME", "felix");
        env.put("TABBY_ETCD_PASSWORD", " s3cret ");
        env.put("TABBY_ETCD_TIMEOUT", "2500ms");
        EtcdConfig config = EtcdConfig.fromEnvironment(env);
        assertEquals(List.of(URI.create("https://10.0.0.1:2379"), URI.create("https://etcd-2:2379")),
                config.endpoints());
        assertTrue(config.usesTls());
        assertEquals(ca, config.caFile().orElseThrow());
        assertEquals("felix", config.username().orElseThrow());
        assertEquals(" s3cret ", config.password().orElseThrow());
        assertEquals(Duration.ofMillis(2500), config.timeout());
    }

    @Test
    void toStringNeverShowsThePassword() {
        EtcdConfig config = EtcdConfig.fromEnvironment(
                Map.of("TABBY_ETCD_USERNAME", "felix", "TABBY_ETCD_PASSWORD", "hunter2-very-secret"));
        assertFalse(config.toString().contains("hunter2"), config.toString());
        assertTrue(config.toString().contains("password=<set>"), config.toString());
    }

    @Test
    void httpsWithoutCaIsAllowedAndUsesSystemTrust() {
        EtcdConfig config = EtcdConfig.fromEnvironment(Map.of("TABBY_ETCD_ENDPOINTS", "https://etcd:2379"));
        assertTrue(config.usesTls());
        assertTrue(config.caFile().isEmpty());
    }

    @Test
    void rejectsBadEndpointsNamingTheVariableAndValue() {
        assertMessage("TABBY_ETCD_ENDPOINTS: 'ftp://x:1' must start with http:// or https://",
                Map.of("TABBY_ETCD_ENDPOINTS", "ftp://x:1"));
        assertMessage("'127.0.0.1:2379' must start with http:// or https://",
                Map.of("TABBY_ETCD_ENDPOINTS", "127.0.0.1:2379"));
        assertMessage("mixes http and https", Map.of("TABBY_ETCD_ENDPOINTS", "http://a:1,https://b:2"));
        assertMessage("names no endpoint", Map.of("TABBY_ETCD_ENDPOINTS", " , "));
    }

    @Test
    void rejectsHalfATlsOrAuthSetup() throws IOException {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        assertMessage("TABBY_ETCD_CERT_FILE=" + cert + " is set but TABBY_ETCD_KEY_FILE is not",
                Map.of("TABBY_ETCD_ENDPOINTS", "https://a:1", "TABBY_ETCD_CERT_FILE", cert.toString()));
        assertMessage("TABBY_ETCD_CA_FILE is set but TABBY_ETCD_ENDPOINTS uses plain http",
                Map.of("TABBY_ETCD_CA_FILE", cert.toString()));
        assertMessage("TABBY_ETCD_USERNAME=felix is set but TABBY_ETCD_PASSWORD is not",
                Map.of("TABBY_ETCD_USERNAME", "felix"));
        assertMessage("TABBY_ETCD_PASSWORD is set but TABBY_ETCD_USERNAME is not",
                Map.of("TABBY_ETCD_PASSWORD", "pw"));
    }

    @Test
    void rejectsUnreadableFiles() {
        Path missing = dir.resolve("nope.pem");
        assertMessage("TABBY_ETCD_CA_FILE=" + missing + " is not readable: the file does not exist",
                Map.of("TABBY_ETCD_ENDPOINTS", "https://a:1", "TABBY_ETCD_CA_FILE", missing.toString()));
        assertMessage("TABBY_ETCD_CA_FILE=" + dir + " is not readable: it is not a regular file",
                Map.of("TABBY_ETCD_ENDPOINTS", "https://a:1", "TABBY_ETCD_CA_FILE", dir.toString()));
    }

    @Test
    void rejectsBadTimeouts() {
        assertMessage("TABBY_ETCD_TIMEOUT='soon' is not a duration", Map.of("TABBY_ETCD_TIMEOUT", "soon"));
        assertMessage("TABBY_ETCD_TIMEOUT='0s' must be positive", Map.of("TABBY_ETCD_TIMEOUT", "0s"));
        assertEquals(Duration.ofSeconds(3), EtcdConfig.fromEnvironment(Map.of("TABBY_ETCD_TIMEOUT", "3")).timeout());
    }

    private static void assertMessage(String expectedPart, Map<String, String> env) {
        DatastoreConfigException e = assertThrows(DatastoreConfigException.class, () -> EtcdConfig.fromEnvironment(env));
        assertTrue(e.getMessage().contains(expectedPart), "message was: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
