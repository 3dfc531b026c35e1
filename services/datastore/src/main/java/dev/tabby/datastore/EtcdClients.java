package dev.tabby.datastore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Builds a jetcd {@link Client} from an {@link EtcdConfig}. */
public final class EtcdClients {

    /** Large lists come back in pages, but one big value must still fit in a single message. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private EtcdClients() {
    }

    public static Client build(EtcdConfig config) {
        Duration connectTimeout = config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout()
                : MAX_CONNECT_TIMEOUT;
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints())
                .connectTimeout(connectTimeout)
                // Fail fast while disconnected so errors carry their cause (refused, TLS, ...)
                // instead of every call silently waiting out its deadline.
                .waitForReady(false)
                .retryMaxDuration(config.timeout())
                // Detect a dead connection (etcd host gone) within ~40 s even with no traffic.
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                .keepaliveWithoutCalls(true)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .interceptor(new UnaryCallDeadline(config.timeout()));
        if (config.usesTls()) {
            try {
                builder.sslContext(ssl -> {
                    // Without a CA file netty falls back to the JVM's default trust store.
                    config.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
                    config.certFile().ifPresent(cert ->
                            ssl.keyManager(cert.toFile(), config.keyFile().orElseThrow().toFile()));
                });
            } catch (SSLException | RuntimeException e) {
                throw new DatastoreConfigException("cannot use the TLS files (" + EtcdConfig.CA_FILE_VAR + "="
                        + config.caFile().map(Object::toString).orElse("-") + ", " + EtcdConfig.CERT_FILE_VAR + "="
                        + config.certFile().map(Object::toString).orElse("-") + ", " + EtcdConfig.KEY_FILE_VAR + "="
                        + config.keyFile().map(Object::toString).orElse("-") + "): " + EtcdErrors.rootCause(e)
                        + "; the files must be PEM and the key unencrypted PKCS#8 (convert with: openssl pkcs8 -topk8 -nocrypt)", e);
            }
        }
        if (config.username().isPresent()) {
            builder.user(ByteSequence.from(config.username().get(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(config.password().orElseThrow(), StandardCharsets.UTF_8));
        }
        return builder.build();
    }
}
