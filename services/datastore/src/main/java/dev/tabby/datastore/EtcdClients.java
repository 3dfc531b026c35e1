package dev.tabby.datastore;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.ManagedChannel;
import java.lang.reflect.Field;
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
                // Detect a dead connection (etcd host gone) within ~40 s while a call or watch is open. Not while
                // idle: etcd's gRPC server counts a ping with no open stream as abuse and, after a few, closes the
                // connection with GOAWAY ENHANCE_YOUR_CALM "too_many_pings" (seen on an idle CNI daemon after 2 min);
                // an idle client's next call finds a dead connection by its own deadline instead.
                .keepaliveTime(Duration.ofSeconds(30))
                .keepaliveTimeout(Duration.ofSeconds(10))
                .keepaliveWithoutCalls(false)
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

    /**
     * Makes the client's gRPC channel try to connect now instead of waiting out its reconnect back-off.
     *
     * <p>While etcd is down gRPC backs off between connection attempts (1 s growing by 1.6x to 120 s), and with
     * {@code waitForReady(false)} every call fails at once meanwhile: measured here, a syncer took 21 s to notice an
     * etcd that had been down 45 s was back, and after longer outages it would be up to two minutes. Calling this
     * before each of our own (backed-off) attempts bounds recovery by our back-off instead.
     *
     * <p>jetcd does not expose its channel, so this reaches it by reflection (jetcd 0.8.x: {@code
     * ClientImpl.connectionManager.managedChannel}). Should that ever fail, it does nothing and gRPC's own back-off
     * applies.
     *
     * @return true if the channel was found and told
     */
    public static boolean resetConnectBackoff(Client client) {
        try {
            Object manager = field(client.getClass(), "connectionManager").get(client);
            Object channel = field(manager.getClass(), "managedChannel").get(manager);
            if (channel instanceof ManagedChannel managed) {
                managed.resetConnectBackoff();
                return true;
            }
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
