package dev.tabby.datastore;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How to reach etcd: endpoints, TLS files, credentials and the per-call timeout.
 *
 * <p>Validation happens on construction so a bad setting fails at start-up with one line naming
 * the variable and the value, not later as an obscure gRPC error. Decisions:
 * <ul>
 *   <li>https endpoints without {@code TABBY_ETCD_CA_FILE} are allowed: the server certificate is
 *       then checked against the JVM's default trust store (the system CAs).</li>
 *   <li>TLS files with plain http endpoints are refused: the operator clearly meant TLS.</li>
 *   <li>A client certificate needs its key and vice versa; a user name needs a password and vice
 *       versa.</li>
 *   <li>An endpoint without a port gets etcd's client port 2379.</li>
 * </ul>
 * {@link #toString()} never prints the password.
 */
public record EtcdConfig(
        List<URI> endpoints,
        Optional<Path> caFile,
        Optional<Path> certFile,
        Optional<Path> keyFile,
        Optional<String> username,
        Optional<String> password,
        Duration timeout) {

    public static final String ENDPOINTS_VAR = "TABBY_ETCD_ENDPOINTS";
    public static final String CA_FILE_VAR = "TABBY_ETCD_CA_FILE";
    public static final String CERT_FILE_VAR = "TABBY_ETCD_CERT_FILE";
    public static final String KEY_FILE_VAR = "TABBY_ETCD_KEY_FILE";
    public static final String USERNAME_VAR = "TABBY_ETCD_USERNAME";
    public static final String PASSWORD_VAR = "TABBY_ETCD_PASSWORD";
    public static final String TIMEOUT_VAR = "TABBY_ETCD_TIMEOUT";

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int ETCD_CLIENT_PORT = 2379;

    public EtcdConfig {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(timeout, "timeout");
        endpoints = List.copyOf(endpoints.stream().map(EtcdConfig::checkEndpoint).toList());
        validate(endpoints, caFile, certFile, keyFile, username, password, timeout);
    }

    /** Plain-http, unauthenticated config for the given endpoints, default timeout. */
    public static EtcdConfig plain(URI... endpoints) {
        return new EtcdConfig(List.of(endpoints), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), DEFAULT_TIMEOUT);
    }

    /** Reads the TABBY_ETCD_* variables; unset or blank variables take their defaults. */
    public static EtcdConfig fromEnvironment(Map<String, String> env) {
        String rawEndpoints = nonBlank(env, ENDPOINTS_VAR).orElse(DEFAULT_ENDPOINT);
        List<URI> endpoints = new ArrayList<>();
        for (String part : rawEndpoints.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                endpoints.add(parseEndpoint(trimmed));
            }
        }
        if (endpoints.isEmpty()) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + "='" + rawEndpoints
                    + "' names no endpoint; set it to e.g. " + DEFAULT_ENDPOINT);
        }
        Duration timeout = nonBlank(env, TIMEOUT_VAR).map(EtcdConfig::parseTimeout).orElse(DEFAULT_TIMEOUT);
        return new EtcdConfig(endpoints,
                nonBlank(env, CA_FILE_VAR).map(Path::of),
                nonBlank(env, CERT_FILE_VAR).map(Path::of),
                nonBlank(env, KEY_FILE_VAR).map(Path::of),
                nonBlank(env, USERNAME_VAR),
                rawNonBlank(env, PASSWORD_VAR),
                timeout);
    }

    public EtcdConfig withTimeout(Duration newTimeout) {
        return new EtcdConfig(endpoints, caFile, certFile, keyFile, username, password, newTimeout);
    }

    public EtcdConfig withTls(Path ca, Path cert, Path key) {
        return new EtcdConfig(endpoints, Optional.ofNullable(ca), Optional.ofNullable(cert), Optional.ofNullable(key),
                username, password, timeout);
    }

    public EtcdConfig withCredentials(String user, String pass) {
        return new EtcdConfig(endpoints, caFile, certFile, keyFile, Optional.ofNullable(user),
                Optional.ofNullable(pass), timeout);
    }

    /** True when the endpoints are https (validation guarantees they are all one scheme). */
    public boolean usesTls() {
        return "https".equals(endpoints.get(0).getScheme());
    }

    /** Endpoints as the operator wrote them, for messages. */
    public String endpointsText() {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
        return "EtcdConfig[endpoints=" + endpointsText()
                + ", caFile=" + caFile.map(Path::toString).orElse("-")
                + ", certFile=" + certFile.map(Path::toString).orElse("-")
                + ", keyFile=" + keyFile.map(Path::toString).orElse("-")
                + ", username=" + username.orElse("-")
                + ", password=" + (password.isPresent() ? "<set>" : "-")
                + ", timeout=" + timeout.toMillis() + "ms]";
    }

    private static void validate(List<URI> endpoints, Optional<Path> caFile, Optional<Path> certFile,
            Optional<Path> keyFile, Optional<String> username, Optional<String> password, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + " names no endpoint; set it to e.g. " + DEFAULT_ENDPOINT);
        }
        long httpsCount = endpoints.stream().filter(u -> "https".equals(u.getScheme())).count();
        if (httpsCount != 0 && httpsCount != endpoints.size()) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + " mixes http and https endpoints ("
                    + join(endpoints) + "); use one scheme for all of them");
        }
        if (httpsCount == 0) {
            String tlsVar = caFile.isPresent() ? CA_FILE_VAR : certFile.isPresent() ? CERT_FILE_VAR
                    : keyFile.isPresent() ? KEY_FILE_VAR : null;
            if (tlsVar != null) {
                throw new DatastoreConfigException(tlsVar + " is set but " + ENDPOINTS_VAR + " uses plain http ("
                        + join(endpoints) + "); use https:// endpoints or unset " + tlsVar);
            }
        }
        if (certFile.isPresent() && keyFile.isEmpty()) {
            throw new DatastoreConfigException(CERT_FILE_VAR + "=" + certFile.get() + " is set but " + KEY_FILE_VAR
                    + " is not; a client certificate needs its private key");
        }
        if (keyFile.isPresent() && certFile.isEmpty()) {
            throw new DatastoreConfigException(KEY_FILE_VAR + "=" + keyFile.get() + " is set but " + CERT_FILE_VAR
                    + " is not; a client key needs its certificate");
        }
        caFile.ifPresent(p -> checkReadable(CA_FILE_VAR, p));
        certFile.ifPresent(p -> checkReadable(CERT_FILE_VAR, p));
        keyFile.ifPresent(p -> checkReadable(KEY_FILE_VAR, p));
        if (username.isPresent() && password.isEmpty()) {
            throw new DatastoreConfigException(USERNAME_VAR + "=" + username.get() + " is set but " + PASSWORD_VAR
                    + " is not; etcd authentication needs both");
        }
        if (password.isPresent() && username.isEmpty()) {
            throw new DatastoreConfigException(PASSWORD_VAR + " is set but " + USERNAME_VAR
                    + " is not; etcd authentication needs both");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new DatastoreConfigException(TIMEOUT_VAR + "=" + timeout + " must be positive, e.g. 10s");
        }
    }

    private static void checkReadable(String variable, Path file) {
        if (!Files.exists(file)) {
            throw new DatastoreConfigException(variable + "=" + file + " is not readable: the file does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new DatastoreConfigException(variable + "=" + file + " is not readable: it is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new DatastoreConfigException(variable + "=" + file + " is not readable: permission denied");
        }
    }

    private static URI parseEndpoint(String text) {
        if (!text.contains("://")) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + text
                    + "' must start with http:// or https://, e.g. " + DEFAULT_ENDPOINT);
        }
        try {
            return checkEndpoint(new URI(text));
        } catch (URISyntaxException e) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + text
                    + "' is not a valid endpoint URL; use e.g. " + DEFAULT_ENDPOINT, e);
        }
    }

    /** Requires http/https with a host; fills in etcd's default client port. */
    private static URI checkEndpoint(URI uri) {
        Objects.requireNonNull(uri, "endpoint");
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + uri
                    + "' must start with http:// or https://, e.g. " + DEFAULT_ENDPOINT);
        }
        if (uri.getHost() == null) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + uri + "' has no host; use e.g. "
                    + DEFAULT_ENDPOINT);
        }
        String path = uri.getPath();
        if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getQuery() != null) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + uri
                    + "' must be scheme://host:port without a path");
        }
        int port = uri.getPort() == -1 ? ETCD_CLIENT_PORT : uri.getPort();
        try {
            return new URI(scheme, null, uri.getHost(), port, null, null, null);
        } catch (URISyntaxException e) {
            throw new DatastoreConfigException(ENDPOINTS_VAR + ": '" + uri + "' is not a valid endpoint URL", e);
        }
    }

    /** Accepts "10s", "500ms", "2m" or a bare number of seconds. */
    static Duration parseTimeout(String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return checkPositive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim())), text);
            }
            if (t.endsWith("s")) {
                return checkPositive(Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim())), text);
            }
            if (t.endsWith("m")) {
                return checkPositive(Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim())), text);
            }
            return checkPositive(Duration.ofSeconds(Long.parseLong(t)), text);
        } catch (NumberFormatException e) {
            throw new DatastoreConfigException(TIMEOUT_VAR + "='" + text + "' is not a duration; use e.g. 10s or 500ms");
        }
    }

    private static Duration checkPositive(Duration d, String text) {
        if (d.isNegative() || d.isZero()) {
            throw new DatastoreConfigException(TIMEOUT_VAR + "='" + text + "' must be positive, e.g. 10s");
        }
        return d;
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** Passwords may legitimately start or end with spaces, so they are not trimmed. */
    private static Optional<String> rawNonBlank(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static String join(List<URI> endpoints) {
        return endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    }
}
