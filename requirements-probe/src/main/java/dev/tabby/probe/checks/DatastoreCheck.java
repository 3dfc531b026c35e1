package dev.tabby.probe.checks;

import dev.tabby.datastore.DatastoreConfigException;
import dev.tabby.datastore.DatastoreException;
import dev.tabby.datastore.EtcdConfig;
import dev.tabby.datastore.EtcdErrors;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.probe.Check;
import dev.tabby.probe.CheckResult;
import dev.tabby.probe.ProbeContext;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * datastore: etcd answers the v3 API at the configured endpoints (TABBY_ETCD_*), which server version it runs, and
 * whether TLS is in use and was accepted. The probe reads one key and asks each member for its status; it writes
 * nothing.
 */
public final class DatastoreCheck implements Check {
    public static final String ID = "datastore";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    static final String REQUIRED = "etcd reachable at TABBY_ETCD_ENDPOINTS (default " + EtcdConfig.DEFAULT_ENDPOINT
            + ") through the v3 API, server 3.x, TLS accepted when the endpoints are https";
    private static final String PROBE_KEY = "/calico/resources/v3/projectcalico.org/clusterinformations/default";

    @Override
    public List<String> ids() {
        return List.of(ID);
    }

    @Override
    public List<CheckResult> run(ProbeContext ctx) {
        EtcdConfig config;
        try {
            config = probeConfig(ctx);
        } catch (DatastoreConfigException e) {
            return List.of(CheckResult.fail(ID, "the datastore settings are not usable: " + e.getMessage(), REQUIRED,
                    "fix the TABBY_ETCD_* variable the message names"));
        }
        String endpoints = config.endpointsText();
        String tls = config.usesTls() ? "TLS accepted (" + tlsFiles(config) + ")" : "plain http, no TLS";
        try (KeyValueStore kv = KeyValueStore.connect(config)) {
            kv.get(PROBE_KEY);
            List<String> versions = new ArrayList<>();
            boolean tooOld = false;
            for (URI endpoint : config.endpoints()) {
                String version = serverVersion(kv, endpoint, config.timeout());
                versions.add(version + " at " + endpoint);
                tooOld |= version.startsWith("2.");
            }
            String observed = "etcd answers the v3 API; server " + String.join(", ", versions) + "; " + tls;
            if (tooOld) {
                return List.of(CheckResult.fail(ID, observed, REQUIRED, "upgrade etcd to 3.x"));
            }
            return List.of(CheckResult.pass(ID, observed, REQUIRED));
        } catch (DatastoreConfigException e) {
            return List.of(CheckResult.fail(ID, "cannot use the datastore settings: " + e.getMessage(), REQUIRED,
                    "fix TABBY_ETCD_CA_FILE, TABBY_ETCD_CERT_FILE and TABBY_ETCD_KEY_FILE"));
        } catch (DatastoreException e) {
            return List.of(CheckResult.fail(ID, e.getMessage(), REQUIRED, "start etcd (3.x) or point "
                    + "TABBY_ETCD_ENDPOINTS at it; for TLS set TABBY_ETCD_CA_FILE, TABBY_ETCD_CERT_FILE and "
                    + "TABBY_ETCD_KEY_FILE; with authentication TABBY_ETCD_USERNAME and TABBY_ETCD_PASSWORD"));
        }
    }

    /** The environment's settings with a short timeout: the probe asks, it does not wait out an outage. */
    static EtcdConfig probeConfig(ProbeContext ctx) {
        EtcdConfig config = EtcdConfig.fromEnvironment(ctx.env());
        return config.timeout().compareTo(PROBE_TIMEOUT) > 0 ? config.withTimeout(PROBE_TIMEOUT) : config;
    }

    private static String serverVersion(KeyValueStore kv, URI endpoint, Duration timeout) {
        try {
            StatusResponse status = kv.client().getMaintenanceClient()
                    .statusMember(endpoint.getHost() + ":" + endpoint.getPort())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return status.getVersion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown (interrupted)";
        } catch (Exception e) {
            return "version unknown (" + EtcdErrors.rootCause(e) + ")";
        }
    }

    private static String tlsFiles(EtcdConfig c) {
        List<String> parts = new ArrayList<>();
        parts.add("CA " + c.caFile().map(Object::toString).orElse("from the system trust store"));
        c.certFile().ifPresent(f -> parts.add("client certificate " + f));
        return String.join(", ", parts);
    }
}
