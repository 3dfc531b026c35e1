package dev.tabby.datastore.local;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS material for a {@link LocalEtcd}: the server's certificate and key, the CA it trusts for
 * client certificates, whether it demands one, and optionally a client certificate that
 * {@link Etcdctl} and {@link LocalEtcd#clientConfig()} present.
 */
public record EtcdTlsFiles(
        Path serverCert,
        Path serverKey,
        Path ca,
        boolean clientCertAuth,
        Optional<Path> clientCert,
        Optional<Path> clientKey) {

    public EtcdTlsFiles {
        Objects.requireNonNull(serverCert, "serverCert");
        Objects.requireNonNull(serverKey, "serverKey");
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(clientCert, "clientCert");
        Objects.requireNonNull(clientKey, "clientKey");
        if (clientCert.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("clientCert and clientKey go together");
        }
        if (clientCertAuth && clientCert.isEmpty()) {
            // LocalEtcd's own health checks go through etcdctl and need a certificate to pass.
            throw new IllegalArgumentException("clientCertAuth needs a clientCert/clientKey for etcdctl");
        }
    }

    /** Server TLS that requires clients to present a certificate signed by {@code ca}. */
    public static EtcdTlsFiles mutual(Path serverCert, Path serverKey, Path ca, Path clientCert, Path clientKey) {
        return new EtcdTlsFiles(serverCert, serverKey, ca, true, Optional.of(clientCert), Optional.of(clientKey));
    }
}
