package dev.tabby.datastore.testing;

import dev.tabby.datastore.local.EtcdTlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Generates throw-away TLS material with the system's {@code openssl}: a CA, a server
 * certificate for 127.0.0.1/localhost and a client certificate, all signed by that CA. Keys are
 * EC P-256 in unencrypted PKCS#8, which both etcd (Go) and netty read.
 */
public final class TestCerts {

    private final Path dir;
    private final Path caCert;
    private final Path caKey;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca-key.pem");
    }

    /** Creates a new CA in {@code dir}, plus a server and a client certificate signed by it. */
    public static TestCerts generate(Path dir, String caName) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCerts certs = new TestCerts(dir);
        certs.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", certs.caKey.toString(), "-out", certs.caCert.toString(), "-days", "2",
                "-subj", "/CN=" + caName);
        certs.issue("server", "127.0.0.1",
                "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        certs.issue("client", "root", "extendedKeyUsage=clientAuth\n");
        return certs;
    }

    public Path dir() {
        return dir;
    }

    public Path caCert() {
        return caCert;
    }

    public Path serverCert() {
        return dir.resolve("server.pem");
    }

    public Path serverKey() {
        return dir.resolve("server-key.pem");
    }

    public Path clientCert() {
        return dir.resolve("client.pem");
    }

    public Path clientKey() {
        return dir.resolve("client-key.pem");
    }

    /** etcd that requires client certificates from this CA; etcdctl uses the client cert. */
    public EtcdTlsFiles mutualTls() {
        return EtcdTlsFiles.mutual(serverCert(), serverKey(), caCert, clientCert(), clientKey());
    }

    private void issue(String name, String commonName, String extensions) {
        Path key = dir.resolve(name + "-key.pem");
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, extensions, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + commonName);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", dir.resolve(name + ".pem").toString(), "-days", "2",
                "-extfile", ext.toString());
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running openssl", e);
        }
    }
}
