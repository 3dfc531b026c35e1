package dev.tabby.ctl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.EtcdConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration as calicoctl v3.18 reads it (calicoctl/commands/clientmgr LoadClientConfig, libcalico-go
 * lib/apiconfig/load.go and apiconfig.go's envconfig names), after Tabby's own names.
 */
class ClientConfigTest {
    @TempDir
    Path dir;

    private List<Path> defaults() {
        return List.of(dir.resolve("tabbyctl.cfg"), dir.resolve("calicoctl.cfg"));
    }

    private EtcdConfig resolve(Path file, Map<String, String> env) {
        return ClientConfig.resolve(null, file, env, defaults());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /**
     * The example of Calico's docs "Configure calicoctl to connect to an etcd datastore", with its key and
     * certificate paths moved into the test's directory (they must be readable).
     */
    private String calicoctlCfg() throws IOException {
        for (String f : List.of("key.pem", "cert.pem", "ca.pem")) {
            write(f, "not checked here\n");
        }
        return """
                apiVersion: projectcalico.org/v3
                kind: CalicoAPIConfig
                metadata:
                spec:
                  etcdEndpoints: https://etcd1:2379,https://etcd2:2379,https://etcd3:2379
                  etcdKeyFile: /etc/calico/key.pem
                  etcdCertFile: /etc/calico/cert.pem
                  etcdCACertFile: /etc/calico/ca.pem
                """.replace("/etc/calico", dir.toString());
    }

    @Test
    void calicoctlsVariablesWithAndWithoutThePrefixAndTabbysNamesFirst() {
        assertEquals("http://a:2379", resolve(null, Map.of("ETCD_ENDPOINTS", "http://a:2379")).endpointsText());
        assertEquals("http://b:2379", resolve(null, Map.of("ETCD_ENDPOINTS", "http://a:2379",
                "CALICO_ETCD_ENDPOINTS", "http://b:2379")).endpointsText(), "envconfig: CALICO_<NAME> wins");
        assertEquals("http://c:2379", resolve(null, Map.of("ETCD_ENDPOINTS", "http://a:2379",
                "TABBY_ETCD_ENDPOINTS", "http://c:2379")).endpointsText(), "Tabby's own name first");
        assertEquals("http://d:2379", ClientConfig.resolve("http://d:2379", null,
                Map.of("TABBY_ETCD_ENDPOINTS", "http://c:2379"), defaults()).endpointsText(), "the flag before all");
        assertEquals("http://127.0.0.1:2379", resolve(null, Map.of()).endpointsText(), "nothing set: the local etcd");
    }

    @Test
    void theKubernetesDatastoreIsRefusedClearly() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(null, Map.of("DATASTORE_TYPE", "kubernetes")));
        assertTrue(e.getMessage().startsWith("DATASTORE_TYPE=kubernetes: Tabby stores in etcd only"), e.getMessage());
        Path k8s = write("k8s.cfg", """
                apiVersion: projectcalico.org/v3
                kind: CalicoAPIConfig
                spec: {datastoreType: kubernetes, kubeconfig: /root/.kube/config}
                """);
        e = assertThrows(IllegalArgumentException.class, () -> resolve(k8s, Map.of()));
        assertTrue(e.getMessage().contains("Tabby stores in etcd only"), e.getMessage());
        assertEquals("http://e:2379", resolve(null, Map.of("CALICO_DATASTORE_TYPE", "etcdv3",
                "ETCD_ENDPOINTS", "http://e:2379")).endpointsText());
    }

    @Test
    void calicoctlsDefaultFileIsReadWhenTabbysIsAbsentAndAFileHidesTheVariables() throws IOException {
        write("calicoctl.cfg", calicoctlCfg());
        EtcdConfig c = resolve(null, Map.of("ETCD_ENDPOINTS", "http://ignored:2379"));
        assertEquals("https://etcd1:2379,https://etcd2:2379,https://etcd3:2379", c.endpointsText(),
                "calicoctl reads the environment only when there is no file");
        assertTrue(c.usesTls());
        write("tabbyctl.cfg", calicoctlCfg().replace("https://etcd1:2379,https://etcd2:2379,https://etcd3:2379",
                "https://tabby:2379"));
        assertEquals("https://tabby:2379", resolve(null, Map.of()).endpointsText(), "Tabby's file first");
    }

    @Test
    void aNamedFileMustExistAndBeACalicoApiConfigOfV3() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(dir.resolve("missing.cfg"), Map.of()));
        assertTrue(e.getMessage().contains("missing.cfg does not exist"), e.getMessage());
        Path v1 = write("v1.cfg", calicoctlCfg().replace("projectcalico.org/v3", "v1"));
        e = assertThrows(IllegalArgumentException.class, () -> resolve(v1, Map.of()));
        assertTrue(e.getMessage().endsWith("apiVersion \"v1\" is not projectcalico.org/v3"), e.getMessage());
        Path discovery = write("srv.cfg", """
                apiVersion: projectcalico.org/v3
                kind: CalicoAPIConfig
                spec: {etcdDiscoverySrv: example.com}
                """);
        e = assertThrows(IllegalArgumentException.class, () -> resolve(discovery, Map.of()));
        assertTrue(e.getMessage().contains("spec.etcdDiscoverySrv is not supported"), e.getMessage());
        Path inline = write("inline.cfg", """
                apiVersion: projectcalico.org/v3
                kind: CalicoAPIConfig
                spec: {etcdEndpoints: "https://e:2379", etcdCACert: "-----BEGIN CERTIFICATE-----"}
                """);
        e = assertThrows(IllegalArgumentException.class, () -> resolve(inline, Map.of()));
        assertTrue(e.getMessage().endsWith("spec.etcdCACert (an inline PEM) is not supported; put it in a file and name"
                + " that in spec.etcdCACertFile"), e.getMessage());
    }

    @Test
    void aBadValueIsReportedWhereTheOperatorSetIt() throws IOException {
        Path f = write("missing-ca.cfg", calicoctlCfg().replace(dir.resolve("ca.pem").toString(), "/nonexistent/ca.pem"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> resolve(f, Map.of()));
        assertTrue(e.getMessage().startsWith("config file " + f + " spec.etcdCACertFile=/nonexistent/ca.pem"), e.getMessage());
        e = assertThrows(RuntimeException.class, () -> resolve(null, Map.of("ETCD_ENDPOINTS", "ftp://x")));
        assertTrue(e.getMessage().startsWith("ETCD_ENDPOINTS"), e.getMessage());
    }

    @Test
    void kubernetesFieldsOfAnEtcdConfigAreValidInCalicoctlsFileAndUnused() throws IOException {
        Path f = write("mixed.cfg", calicoctlCfg() + "  k8sAPIEndpoint: https://10.0.0.1:6443\n");
        assertEquals("https://etcd1:2379,https://etcd2:2379,https://etcd3:2379", resolve(f, Map.of()).endpointsText());
    }
}
