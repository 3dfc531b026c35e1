package dev.tabby.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tabby.charts.ServiceDeclarations.HostPath;
import dev.tabby.charts.ServiceDeclarations.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * helm template of each mode, parsed into fabric8 objects and compared with services.yaml as Jackson reads it (not
 * as the templates read it): every container's image, capabilities, privilege, ports, environment, host paths and
 * probes are the declaration's. calico-etcd.yaml (Calico v3.18) is the model for the pod settings.
 */
class ChartTemplateTest {
    static final Map<String, Service> DECLARED = ServiceDeclarations.read(Checkout.chart().resolve("services.yaml"));
    static final Map<String, String> ROUTER = Map.of("vxlan", "vxlan-manager", "ipip", "ipip-manager", "bgp", "bgp-speaker");
    static final List<String> ALWAYS = List.of("policy-renderer", "requirements-probe", "cni-daemon");
    static final String TLS_DIR = "/etc/tabby/etcd-tls";

    /** What a render was asked for, to know what to expect. */
    record Expect(String mode, List<String> endpoints, String tlsSecret, List<String> bgpSecrets, boolean allInterfaces,
                  String cniBinDir, String cniConfDir) {
        static Expect of(String mode, List<String> endpoints) {
            return new Expect(mode, endpoints, null, List.of(), false, "/opt/cni/bin", "/etc/cni/net.d");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vxlan", "ipip", "bgp"})
    void eachModeRendersTheDeclaredDaemons(String mode) throws IOException {
        JsonNode ci = new ObjectMapper(new YAMLFactory()).readTree(Checkout.ci(mode + "-values.yaml").toFile());
        List<String> endpoints = new ArrayList<>();
        ci.path("etcd").path("endpoints").forEach(e -> endpoints.add(e.asText()));
        String tls = ci.path("etcd").path("tls").path("secretName").asText(null);
        List<String> bgp = new ArrayList<>();
        ci.path("bgp").path("peerPasswordSecrets").forEach(e -> bgp.add(e.asText()));
        Expect expect = new Expect(mode, endpoints, tls, bgp, false, "/opt/cni/bin", "/etc/cni/net.d");

        Rendered r = Rendered.of(List.of(Checkout.ci(mode + "-values.yaml")), Map.of());
        Set<String> wanted = new TreeSet<>(ALWAYS);
        wanted.add(ROUTER.get(mode));
        assertEquals(wanted.stream().map(n -> "tabby-" + n).collect(Collectors.toCollection(TreeSet::new)),
                r.daemonSets().keySet(), "DaemonSets in " + mode + " mode");
        for (DaemonSet ds : r.daemonSets().values()) {
            checkDaemonSet(ds, expect, defaultValues());
        }
        checkPreflightJob(r.job("tabby-preflight").orElseThrow(() -> new AssertionError("no Job tabby-preflight")), mode);
    }

    @Test
    void everyDaemonIsInSomeMode() {
        Set<String> daemons = DECLARED.entrySet().stream().filter(e -> e.getValue().role().equals("daemon"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        Set<String> known = new TreeSet<>(ALWAYS);
        known.addAll(ROUTER.values());
        assertEquals(known, daemons, "services.yaml's daemons vs the modes this test knows: teach both the chart"
                + " (tabby.enabled) and this test about a new one");
    }

    @Test
    void explicitEnabledWinsOverTheMode() {
        Rendered r = Rendered.of(List.of(Checkout.ci("vxlan-values.yaml")), Map.of(
                "vxlanManager", Map.of("enabled", false), "bgpSpeaker", Map.of("enabled", true),
                "requirementsProbe", Map.of("enabled", false)));
        assertEquals(Set.of("tabby-bgp-speaker", "tabby-policy-renderer", "tabby-cni-daemon"), r.daemonSets().keySet());
    }

    @Test
    void tlsSecretIsMountedWhereEtcdIsUsed() {
        // ipip-values.yaml names a TLS Secret; checkDaemonSet checks mounts and variables on every etcd client.
        Rendered r = Rendered.of(List.of(Checkout.ci("ipip-values.yaml")), Map.of());
        Expect expect = new Expect("ipip", List.of("https://10.0.0.10:2379", "https://10.0.0.11:2379"),
                "tabby-etcd-secrets", List.of(), false, "/opt/cni/bin", "/etc/cni/net.d");
        r.daemonSets().values().forEach(ds -> checkDaemonSet(ds, expect, defaultValues()));
        Volume certs = volume(r.daemonSets().get("tabby-ipip-manager").getSpec().getTemplate().getSpec(), "etcd-certs");
        assertEquals("tabby-etcd-secrets", certs.getSecret().getSecretName());
        assertEquals(0400, certs.getSecret().getDefaultMode(), "etcd-certs mode");
        Job job = r.job("tabby-preflight").orElseThrow();
        assertTrue(job.getSpec().getTemplate().getSpec().getVolumes().stream().noneMatch(v -> v.getName().equals("etcd-certs")),
                "the preflight Job does not talk to etcd: no etcd TLS files");
    }

    @Test
    void tlsNeedsHttpsEndpoints() {
        String message = renderFailure(Map.of("etcd", Map.of("endpoints", List.of("http://10.0.0.1:2379"),
                "tls", Map.of("secretName", "tabby-etcd-secrets"))));
        assertTrue(message.contains("etcd.tls.secretName") && message.contains("https://"), message);
    }

    @Test
    void kafkaBootstrapReachesEveryContainerThatTalksToEtcdAndNoOther() {
        String bootstrap = "kafka-0.kafka:9092,kafka-1.kafka:9092";
        Rendered r = Rendered.of(List.of(Checkout.ci("bgp-values.yaml")), Map.of("events", Map.of("kafkaBootstrap", bootstrap),
                "cniDaemon", Map.of("enabled", true)));
        int told = 0;
        for (DaemonSet ds : r.daemonSets().values()) {
            PodSpec pod = ds.getSpec().getTemplate().getSpec();
            List<Container> all = new ArrayList<>(pod.getContainers());
            all.addAll(pod.getInitContainers());
            for (Container c : all) {
                Service svc = DECLARED.get(c.getName());
                boolean talksToEtcd = svc.env().stream().anyMatch(e -> e.value().contains("${ETCD_ENDPOINTS}"));
                List<String> names = c.getEnv().stream().map(EnvVar::getName).toList();
                if (talksToEtcd) {
                    assertEquals(bootstrap, env(c, "TABBY_KAFKA_BOOTSTRAP").getValue(), c.getName());
                    told++;
                } else {
                    assertTrue(!names.contains("TABBY_KAFKA_BOOTSTRAP"), c.getName() + " does not talk to the cluster's services");
                }
            }
        }
        assertTrue(told >= 4, "the node services were told: " + told);
        String message = renderFailure(Map.of("etcd", Map.of("endpoints", List.of("http://10.0.0.1:2379")),
                "events", Map.of("kafkaBootstrap", "kafka 9092")));
        assertTrue(message.contains("kafkaBootstrap"), message);
    }

    @Test
    void bgpPasswordSecretsAreMountedInTheSpeaker() {
        Rendered r = Rendered.of(List.of(Checkout.ci("bgp-values.yaml")), Map.of());
        PodSpec pod = r.daemonSets().get("tabby-bgp-speaker").getSpec().getTemplate().getSpec();
        Container speaker = pod.getContainers().get(0);
        for (String secret : List.of("tor-a-password", "tor-b-password")) {
            VolumeMount m = speaker.getVolumeMounts().stream()
                    .filter(v -> v.getMountPath().equals("/etc/tabby/bgp-passwords/" + secret)).findFirst()
                    .orElseThrow(() -> new AssertionError("no mount of Secret " + secret + " in bgp-speaker"));
            assertTrue(m.getReadOnly(), secret + " mounted read-only");
            Volume v = volume(pod, m.getName());
            assertEquals(secret, v.getSecret().getSecretName());
            assertEquals(0400, v.getSecret().getDefaultMode(), secret + " mode");
        }
        assertTrue(r.daemonSets().get("tabby-policy-renderer").getSpec().getTemplate().getSpec().getVolumes().stream()
                .noneMatch(v -> v.getSecret() != null), "BGP passwords only in the bgp-speaker pod");
    }

    @Test
    void valuesSetUpdateStrategyResourcesMetricsAndCniDirs() {
        Map<String, Object> resources = Map.of("requests", Map.of("cpu", "300m", "memory", "1Gi"),
                "limits", Map.of("memory", "2Gi"));
        Rendered r = Rendered.of(List.of(Checkout.ci("vxlan-values.yaml")), Map.of(
                "policyRenderer", Map.of("updateStrategy", Map.of("rollingUpdate", Map.of("maxUnavailable", "20%")),
                        "resources", resources),
                "metrics", Map.of("listenOnAllInterfaces", true),
                "cni", Map.of("binDir", "/var/lib/cni/bin", "confDir", "/var/lib/cni/net.d")));
        DaemonSet renderer = r.daemonSets().get("tabby-policy-renderer");
        assertEquals("20%", renderer.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal());
        Container c = renderer.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(new Quantity("300m"), c.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("1Gi"), c.getResources().getRequests().get("memory"));
        assertEquals(new Quantity("2Gi"), c.getResources().getLimits().get("memory"));
        Map<String, Object> values = defaultValues();
        values.put("policyRenderer", Map.of("updateStrategy", Map.of("rollingUpdate", Map.of("maxUnavailable", "20%")),
                "resources", resources));
        Expect expect = new Expect("vxlan", List.of("http://10.0.0.10:2379"), null, List.of(), true,
                "/var/lib/cni/bin", "/var/lib/cni/net.d");
        r.daemonSets().values().forEach(ds -> checkDaemonSet(ds, expect, values));
    }

    // ---- the checks ----

    @SuppressWarnings("unchecked")
    static Map<String, Object> defaultValues() {
        try {
            return new ObjectMapper(new YAMLFactory()).readValue(Checkout.chart().resolve("values.yaml").toFile(),
                    LinkedHashMap.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String valuesKey(String service) {
        String[] parts = service.split("-");
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            out.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static void checkDaemonSet(DaemonSet ds, Expect expect, Map<String, Object> values) {
        String name = ds.getMetadata().getName().substring("tabby-".length());
        Service svc = DECLARED.get(name);
        assertNotNull(svc, "DaemonSet " + ds.getMetadata().getName() + " has no declaration in services.yaml");
        assertEquals("daemon", svc.role(), name + "'s role");
        assertEquals("kube-system", ds.getMetadata().getNamespace());
        Map<String, Object> own = (Map<String, Object>) values.get(valuesKey(name));
        Object maxUnavailable = ((Map<String, Object>) ((Map<String, Object>) own.get("updateStrategy"))
                .get("rollingUpdate")).get("maxUnavailable");
        var rolling = ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable();
        assertEquals(String.valueOf(maxUnavailable), rolling.getIntVal() != null ? rolling.getIntVal().toString()
                : rolling.getStrVal(), name + " maxUnavailable");

        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        assertTrue(pod.getHostNetwork(), name + " hostNetwork");
        assertEquals("ClusterFirstWithHostNet", pod.getDnsPolicy(), name + " dnsPolicy");
        assertEquals("system-node-critical", pod.getPriorityClassName(), name + " priorityClassName");
        assertEquals(svc.hostPID(), Boolean.TRUE.equals(pod.getHostPID()), name + " hostPID");
        assertEquals("tabby-node", pod.getServiceAccountName());
        assertTrue(pod.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator())
                && "NoSchedule".equals(t.getEffect()) && t.getKey() == null), name + " tolerates every NoSchedule taint");
        assertTrue(pod.getTolerations().stream().anyMatch(t -> "Exists".equals(t.getOperator())
                && "NoExecute".equals(t.getEffect()) && t.getKey() == null), name + " tolerates every NoExecute taint");

        List<String> inits = pod.getInitContainers().stream().map(Container::getName).toList();
        assertEquals(name.equals("cni-daemon") ? List.of("node-register", "install-cni") : List.of("node-register"),
                inits, name + "'s init containers");
        for (Container init : pod.getInitContainers()) {
            checkContainer(init, DECLARED.get(init.getName()), pod, expect);
            assertNull(init.getLivenessProbe(), init.getName() + " has no probes");
        }
        Container register = pod.getInitContainers().get(0);
        List<String> wantedArgs = new ArrayList<>(DECLARED.get("node-register").args());
        String ipip = expect.mode().equals("ipip") ? "Always" : "Never";
        String vxlan = expect.mode().equals("vxlan") ? "Always" : "Never";
        wantedArgs.addAll(List.of("--default-pool-cidr", "192.168.0.0/16", "--default-pool-block-size", "26",
                "--default-pool-ipip-mode", ipip, "--default-pool-vxlan-mode", vxlan));
        assertEquals(wantedArgs, register.getArgs(), "node-register's args in " + expect.mode() + " mode");
        if (name.equals("cni-daemon")) {
            Container install = pod.getInitContainers().get(1);
            assertEquals(expect.cniBinDir(), env(install, "CNI_BIN_DIR").getValue());
            assertEquals(expect.cniConfDir(), env(install, "CNI_NET_DIR").getValue());
        }

        assertEquals(1, pod.getContainers().size(), name + ": one container");
        Container c = pod.getContainers().get(0);
        assertEquals(name, c.getName());
        checkContainer(c, svc, pod, expect);
        Map<String, Object> resources = (Map<String, Object>) own.get("resources");
        assertEquals(quantities((Map<String, Object>) resources.get("requests")), c.getResources().getRequests(),
                name + " requests");
        assertEquals(quantities((Map<String, Object>) resources.get("limits")), c.getResources().getLimits(),
                name + " limits");

        Map<String, String> annotations = ds.getSpec().getTemplate().getMetadata().getAnnotations();
        ServiceDeclarations.Port http = svc.httpPort();
        if (http != null) {
            assertEquals("true", annotations.get("prometheus.io/scrape"), name + " scrape annotation");
            assertEquals(String.valueOf(http.port()), annotations.get("prometheus.io/port"), name + " scrape port");
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"), name + " scrape path");
        } else {
            assertTrue(annotations == null || !annotations.containsKey("prometheus.io/scrape"),
                    name + " has no HTTP port to scrape");
        }
    }

    static Map<String, Quantity> quantities(Map<String, Object> raw) {
        Map<String, Quantity> out = new TreeMap<>();
        raw.forEach((k, v) -> out.put(k, new Quantity(String.valueOf(v))));
        return out;
    }

    /** One container against its declaration. */
    static void checkContainer(Container c, Service svc, PodSpec pod, Expect expect) {
        String name = c.getName();
        assertNotNull(svc, name + " has no declaration in services.yaml");
        assertTrue(svc.image().startsWith("tabby/"), name + "'s image " + svc.image() + " is not one bin/tabby images builds");
        assertEquals(svc.image() + ":" + Checkout.projectVersion(), c.getImage(), name + "'s image");
        assertEquals("IfNotPresent", c.getImagePullPolicy(), name + "'s pull policy");
        assertEquals(svc.args(), c.getArgs().subList(0, Math.min(c.getArgs().size(), svc.args().size())),
                name + "'s args start with the declared ones");

        var sc = c.getSecurityContext();
        List<String> added = sc.getCapabilities().getAdd() == null ? List.of() : sc.getCapabilities().getAdd();
        assertEquals(new TreeSet<>(svc.capabilities()), new TreeSet<>(added), name + " capabilities added");
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop(), name + " capabilities dropped");
        assertEquals(svc.procSys().equals("writable"), Boolean.TRUE.equals(sc.getPrivileged()),
                name + " is privileged exactly when its procSys is writable");

        List<String> ports = c.getPorts().stream().map(ChartTemplateTest::port).toList();
        assertEquals(svc.ports().stream().map(p -> p.name() + "/" + p.port() + "/" + p.protocol()).toList(), ports,
                name + "'s ports");

        boolean talksToEtcd = svc.env().stream().anyMatch(e -> e.value().contains("${ETCD_ENDPOINTS}"));
        List<String> wantedEnv = new ArrayList<>(svc.env().stream().map(ServiceDeclarations.Env::name).toList());
        if (talksToEtcd && expect.tlsSecret() != null) {
            wantedEnv.addAll(List.of("TABBY_ETCD_CA_FILE", "TABBY_ETCD_CERT_FILE", "TABBY_ETCD_KEY_FILE"));
        }
        if (name.equals("install-cni")) {
            wantedEnv.addAll(List.of("CNI_BIN_DIR", "CNI_NET_DIR"));
        }
        if (svc.httpPort() != null && expect.allInterfaces()) {
            wantedEnv.add("QUARKUS_HTTP_HOST");
        }
        assertEquals(wantedEnv, c.getEnv().stream().map(EnvVar::getName).toList(), name + "'s environment");
        for (ServiceDeclarations.Env e : svc.env()) {
            EnvVar got = env(c, e.name());
            if (e.value().equals("${NODE_NAME}")) {
                assertNull(got.getValue(), name + " " + e.name());
                assertEquals("spec.nodeName", got.getValueFrom().getFieldRef().getFieldPath(), name + " " + e.name());
            } else {
                String wanted = e.value().replace("${ETCD_ENDPOINTS}", String.join(",", expect.endpoints()))
                        .replace("${PROBE_MODES}", expect.mode());
                assertEquals(wanted, got.getValue(), name + " " + e.name());
            }
        }
        if (talksToEtcd && expect.tlsSecret() != null) {
            assertEquals(TLS_DIR + "/etcd-ca", env(c, "TABBY_ETCD_CA_FILE").getValue());
            assertEquals(TLS_DIR + "/etcd-cert", env(c, "TABBY_ETCD_CERT_FILE").getValue());
            assertEquals(TLS_DIR + "/etcd-key", env(c, "TABBY_ETCD_KEY_FILE").getValue());
            VolumeMount m = mount(c, "etcd-certs");
            assertEquals(TLS_DIR, m.getMountPath(), name + " etcd-certs mount");
            assertTrue(m.getReadOnly(), name + " etcd-certs read-only");
            assertEquals(expect.tlsSecret(), volume(pod, "etcd-certs").getSecret().getSecretName());
        } else {
            assertTrue(c.getVolumeMounts().stream().noneMatch(m -> m.getName().equals("etcd-certs")),
                    name + " mounts etcd TLS files without etcd.tls.secretName or without talking to etcd");
        }
        if (svc.httpPort() != null && expect.allInterfaces()) {
            assertEquals("0.0.0.0", env(c, "QUARKUS_HTTP_HOST").getValue());
        }

        for (HostPath hp : svc.hostPaths()) {
            String onHost = hp.name().equals("cni-bin-dir") ? expect.cniBinDir()
                    : hp.name().equals("cni-net-dir") ? expect.cniConfDir() : hp.path();
            String inContainer = hp.mountPath() != null ? hp.mountPath() : onHost;
            VolumeMount m = mount(c, hp.name());
            assertEquals(inContainer, m.getMountPath(), name + " mount " + hp.name());
            assertEquals(hp.readOnly(), Boolean.TRUE.equals(m.getReadOnly()), name + " mount " + hp.name() + " readOnly");
            assertEquals(hp.propagation(), m.getMountPropagation(), name + " mount " + hp.name() + " propagation");
            Volume v = volume(pod, hp.name());
            assertNotNull(v.getHostPath(), hp.name() + " is a hostPath volume");
            assertEquals(onHost, v.getHostPath().getPath(), hp.name() + " host path");
            assertEquals(hp.type(), v.getHostPath().getType(), hp.name() + " host path type");
        }
        long hostMounts = c.getVolumeMounts() == null ? 0 : c.getVolumeMounts().stream()
                .filter(m -> volume(pod, m.getName()).getHostPath() != null).count();
        assertEquals(svc.hostPaths().size(), hostMounts, name + " mounts only its declared host paths");

        checkProbe(c.getLivenessProbe(), svc.probes().liveness(), svc, name + " liveness");
        checkProbe(c.getReadinessProbe(), svc.probes().readiness(), svc, name + " readiness");
    }

    static void checkProbe(Probe probe, String path, Service svc, String what) {
        if (path == null) {
            assertNull(probe, what + " is not declared");
            return;
        }
        assertNotNull(probe, what);
        assertEquals(path, probe.getHttpGet().getPath(), what + " path");
        assertEquals(svc.httpPort().port(), probe.getHttpGet().getPort().getIntVal(), what + " port");
        assertEquals("127.0.0.1", probe.getHttpGet().getHost(), what + " host");
    }

    static void checkPreflightJob(Job job, String mode) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        assertEquals("pre-install,pre-upgrade", annotations.get("helm.sh/hook"), "the Job's hook");
        assertEquals("before-hook-creation,hook-succeeded", annotations.get("helm.sh/hook-delete-policy"),
                "the Job's delete policy keeps a failed Job for its log");
        assertEquals(0, job.getSpec().getBackoffLimit(), "backoffLimit");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertTrue(pod.getHostNetwork(), "the Job's hostNetwork");
        Container c = pod.getContainers().get(0);
        Service svc = DECLARED.get("preflight-probe");
        assertEquals("hook", svc.role());
        checkContainer(c, svc, pod, Expect.of(mode, List.of()));
        assertEquals(List.of("--mode", mode), c.getArgs().subList(svc.args().size(), c.getArgs().size()),
                "the probe CLI's modes");
        VolumeMount root = mount(c, "host-root");
        assertEquals("/host", root.getMountPath());
        assertTrue(root.getReadOnly(), "the host's / is read-only");
        assertEquals("/", volume(pod, "host-root").getHostPath().getPath());
    }

    static String port(ContainerPort p) {
        return p.getName() + "/" + p.getContainerPort() + "/" + p.getProtocol();
    }

    static EnvVar env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " has no " + name));
    }

    static VolumeMount mount(Container c, String name) {
        return (c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()).stream()
                .filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " does not mount " + name));
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("the pod has no volume " + name));
    }

    static String renderFailure(Map<String, ?> values) {
        try {
            Rendered.of(List.of(), values);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        return fail("helm template accepted " + values);
    }

    @Test
    void theManifestsPodsDoNotShareAVolumeNameForTwoPaths() {
        // The chart fails on it; this says it never happens with the declarations as they are.
        Rendered r = Rendered.of(List.of(Checkout.ci("vxlan-values.yaml")), Map.of("cniDaemon", Map.of("enabled", true)));
        for (DaemonSet ds : r.daemonSets().values()) {
            List<String> names = ds.getSpec().getTemplate().getSpec().getVolumes().stream().map(Volume::getName).toList();
            assertEquals(names.size(), new TreeSet<>(names).size(), ds.getMetadata().getName() + " volumes " + names);
            assertFalse(names.isEmpty());
        }
    }
}
