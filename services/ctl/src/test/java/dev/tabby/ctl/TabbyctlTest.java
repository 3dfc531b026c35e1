package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tabbyctl end to end against a real etcd: exit codes, messages, all-or-nothing manifests, output formats. */
class TabbyctlTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
    }

    private Path manifest(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static String pool(String name, String cidr) {
        return "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: " + name + "\nspec:\n  cidr: " + cidr + "\n";
    }

    private String etcdKeys(String prefix) {
        return String.join("\n", ETCD.etcdctl().getPrefix(prefix).keySet());
    }

    @Test
    void createGetReplaceDelete() throws IOException {
        Path f = manifest("pools.yaml", pool("pool-a", "10.10.0.0/16") + "---\n" + pool("pool-b", "10.20.0.0/16"));
        Tabbyctl.Result created = ctl.run("create", "-f", f.toString());
        assertEquals(0, created.exitCode(), created::toString);
        // calicoctl/commands/create.go: "Successfully created %d '%s' resource(s)"
        assertEquals("Successfully created 2 'IPPool' resource(s)\n", created.out());

        Tabbyctl.Result again = ctl.run("create", "-f", f.toString());
        assertEquals(1, again.exitCode());
        // create.go: "Failed to create any '%s' resources: %v" over the []error
        assertEquals("tabbyctl: Failed to create any 'IPPool' resources: [IPPool \"pool-a\" already exists; use apply "
                + "or replace to change it IPPool \"pool-b\" already exists; use apply or replace to change it]\n", again.err());

        Tabbyctl.Result table = ctl.run("get", "ippools");
        // calicoctl's tabwriter pads every cell, the last too, and printer.go leaves an empty line after a table.
        assertEquals("NAME     CIDR           SELECTOR   \n"
                + "pool-a   10.10.0.0/16   all()      \n"
                + "pool-b   10.20.0.0/16   all()      \n\n", table.out());
        // calicoctl get KIND NAME...: the named ones in the order given, each its own table (common/resources.go
        // gets them one by one); a missing one is reported, exit 1.
        Tabbyctl.Result two = ctl.run("get", "ippools", "pool-b", "pool-a");
        assertEquals(0, two.exitCode(), two::toString);
        assertEquals("NAME     CIDR           SELECTOR   \n"
                + "pool-b   10.20.0.0/16   all()      \n\n"
                + "NAME     CIDR           SELECTOR   \n"
                + "pool-a   10.10.0.0/16   all()      \n\n", two.out());
        Tabbyctl.Result oneMissing = ctl.run("get", "ippools", "pool-a", "pool-x");
        assertEquals(1, oneMissing.exitCode());
        assertTrue(oneMissing.out().contains("pool-a") && oneMissing.err().contains("\"pool-x\" does not exist"),
                oneMissing::toString);
        Tabbyctl.Result wide = ctl.run("get", "ipp", "-o", "wide");
        assertTrue(wide.out().startsWith("NAME     CIDR           NAT     IPIPMODE   VXLANMODE   DISABLED   SELECTOR   \n"), wide::toString);

        // libcalico-go clientv3/ippool.go: a pool's CIDR cannot change; its other fields can.
        Tabbyctl.Result moved = ctl.run("replace", "-f", manifest("moved.yaml", pool("pool-a", "10.11.0.0/16")).toString());
        assertEquals(1, moved.exitCode());
        assertTrue(moved.err().contains("spec.cidr: IPPool CIDR cannot be modified (it is 10.10.0.0/16)"), moved::toString);
        Path changed = manifest("replace.yaml", pool("pool-a", "10.10.0.0/16") + "  natOutgoing: true\n");
        assertEquals(0, ctl.run("replace", "-f", changed.toString()).exitCode());
        Tabbyctl.Result yaml = ctl.run("get", "ippool", "pool-a", "-o", "yaml");
        assertTrue(yaml.out().contains("natOutgoing: true"), yaml::toString);
        assertEquals("pool-a", ResourceCodec.read(yaml.out()).resources().get(0).name(), "get -o yaml output is a valid manifest");

        Tabbyctl.Result missing = ctl.run("replace", "-f", manifest("nope.yaml", pool("pool-z", "10.99.0.0/16")).toString());
        // replace.go: "Failed to replace '%s' resource: %v"
        assertEquals("tabbyctl: Failed to replace 'IPPool' resource: IPPool \"pool-z\" does not exist; use create or apply to add it\n", missing.err());

        assertEquals(0, ctl.run("delete", "ippool", "pool-b").exitCode());
        assertEquals(0, ctl.run("delete", "-f", changed.toString()).exitCode());
        assertEquals("", etcdKeys("/calico/resources/v3/projectcalico.org/ippools/"));
        Tabbyctl.Result gone = ctl.run("delete", "ippool", "pool-b");
        assertEquals(1, gone.exitCode());
        // delete.go: "Failed to delete '%s' resource: %v"
        assertEquals("tabbyctl: Failed to delete 'IPPool' resource: IPPool \"pool-b\" does not exist\n", gone.err());
        assertEquals(0, ctl.run("delete", "ippool", "pool-b", "--skip-not-exists").exitCode());
    }

    @Test
    void oneBadDocumentMeansNothingIsWritten() throws IOException {
        Path f = manifest("mixed.yaml", pool("good-1", "10.30.0.0/16") + "---\n" + pool("good-2", "10.31.0.0/16")
                + "---\n" + pool("bad", "10.32.0.0/16").replace("spec:\n", "spec:\n  blockSize: 40\n"));
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(1, r.exitCode());
        // create.go/apply.go: an invalid file is "Failed to execute command: %v"
        assertEquals("tabbyctl: Failed to execute command: document 3 (IPPool \"bad\") at line 15: spec.blockSize: 40 is not allowed; "
                + "IPv4 block size must be 20..32\n", r.err());
        assertEquals("", r.out());
        assertEquals("", etcdKeys("/calico/resources/v3/projectcalico.org/ippools/good"));
    }

    /**
     * That a resource exists is found when it is written, not when the manifest is validated: as calicoctl
     * (common/resources.go ExecuteConfigCommand continues after an error for create), the others are still created
     * and the one that exists is reported (create.go's partial-success and "Hit error" lines).
     */
    @Test
    void createWritesTheOthersWhenOneAlreadyExists() throws IOException {
        assertEquals(0, ctl.run("create", "-f", manifest("one.yaml", pool("exists-1", "10.40.0.0/16")).toString()).exitCode());
        Path both = manifest("two.yaml", pool("new-1", "10.41.0.0/16") + "---\n" + pool("exists-1", "10.40.0.0/16"));
        Tabbyctl.Result r = ctl.run("create", "-f", both.toString());
        assertEquals(1, r.exitCode());
        assertEquals("Partial success: created the first 1 out of 2 'IPPool' resources:\n", r.out());
        assertEquals("tabbyctl: Hit error: [IPPool \"exists-1\" already exists; use apply or replace to change it]\n", r.err());
        assertEquals("/calico/resources/v3/projectcalico.org/ippools/new-1", etcdKeys("/calico/resources/v3/projectcalico.org/ippools/new-1"));
    }

    @Test
    void warningsForNormalisedValues() throws IOException {
        Tabbyctl.Result r = ctl.run("apply", "-f", manifest("hostbits.yaml", pool("hostbits", "10.50.0.1/16")).toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("tabbyctl: warning: document 1 (IPPool \"hostbits\") at line 1: spec.cidr: \"10.50.0.1/16\" normalised to 10.50.0.0/16\n", r.err());
    }

    @Test
    void namespacesAndOutputFormats() throws IOException {
        String np = """
                apiVersion: projectcalico.org/v3
                kind: NetworkPolicy
                metadata:
                  name: allow-web
                  namespace: %s
                spec:
                  order: 10
                  selector: app == 'web'
                  ingress:
                  - action: Allow
                    protocol: TCP
                    destination:
                      ports: [80, 443]
                """;
        Path f = manifest("np.yaml", np.formatted("shop") + "---\n" + np.formatted("blog"));
        assertEquals(0, ctl.run("apply", "-f", f.toString()).exitCode());
        // get.go: -n, like -A, puts the NAMESPACE column first.
        assertEquals("NAMESPACE   NAME        \nshop        allow-web   \n\n", ctl.run("get", "networkpolicy", "-n", "shop").out());
        assertEquals("", ctl.run("get", "networkpolicy", "-o", "name").out(), "the default namespace holds none");
        assertEquals("NAMESPACE   NAME        ORDER   SELECTOR       \n"
                + "blog        allow-web   10      app == 'web'   \n"
                + "shop        allow-web   10      app == 'web'   \n\n", ctl.run("get", "np", "-A", "-o", "wide").out());
        assertEquals("networkpolicy/blog/allow-web\nnetworkpolicy/shop/allow-web\n", ctl.run("get", "np", "-A", "-o", "name").out());
        Tabbyctl.Result json = ctl.run("get", "networkpolicies", "-A", "-o", "json");
        assertEquals(2, ResourceCodec.read(json.out()).resources().size(), json::toString);
        assertTrue(json.out().contains("\"kind\": \"NetworkPolicyList\""), json::toString);
    }

    @Test
    void labelSetOverwriteRemove() throws IOException {
        ctl.run("apply", "-f", manifest("p.yaml", pool("labelled", "10.60.0.0/16")).toString());
        assertEquals(0, ctl.run("label", "ippool", "labelled", "env=prod").exitCode());
        Tabbyctl.Result clash = ctl.run("label", "ippool", "labelled", "env=dev");
        assertEquals("tabbyctl: IPPool \"labelled\" already has label env=prod; add --overwrite to change it\n", clash.err());
        assertEquals(0, ctl.run("label", "ippool", "labelled", "env=dev", "--overwrite").exitCode());
        assertTrue(ctl.run("get", "ippool", "labelled", "-o", "yaml").out().contains("env: dev"));
        assertEquals(0, ctl.run("label", "ippool", "labelled", "env", "--remove").exitCode());
        assertEquals("tabbyctl: IPPool \"labelled\" has no label \"env\"\n", ctl.run("label", "ippool", "labelled", "env", "--remove").err());
        assertEquals(1, ctl.run("label", "ippool", "labelled", "bad key=x").exitCode());
    }

    @Test
    void readsStandardInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(pool("from-stdin", "10.70.0.0/16").getBytes(StandardCharsets.UTF_8)));
            Tabbyctl.Result r = ctl.run("apply", "-f", "-");
            assertEquals(0, r.exitCode(), r::toString);
        } finally {
            System.setIn(saved);
        }
        assertEquals("/calico/resources/v3/projectcalico.org/ippools/from-stdin", etcdKeys("/calico/resources/v3/projectcalico.org/ippools/from-stdin"));
    }

    @Test
    void configFileAndFlagsChooseTheEndpoint() throws IOException {
        Path cfg = manifest("tabbyctl.cfg", """
                apiVersion: projectcalico.org/v3
                kind: CalicoAPIConfig
                metadata: {}
                spec:
                  datastoreType: etcdv3
                  etcdEndpoints: %s
                """.formatted(ETCD.config().endpointsText()));
        Tabbyctl noEnv = new Tabbyctl("http://127.0.0.1:1");
        assertEquals(0, noEnv.run("get", "ippools", "--etcd-endpoints", ETCD.config().endpointsText()).exitCode());
        assertEquals(0, noEnv.run("--etcd-endpoints", ETCD.config().endpointsText(), "get", "ippools").exitCode(),
                "connection options may stand before the subcommand");
        Tabbyctl.Result down = noEnv.run("get", "ippools");
        assertEquals(1, down.exitCode());
        assertTrue(down.err().startsWith("tabbyctl: etcd at http://127.0.0.1:1 is unavailable"), down::toString);
        assertEquals(1, down.err().lines().count(), "one line");
        Path badCfg = manifest("bad.cfg", "kind: CalicoAPIConfig\nspec:\n  etcdEndpoint: http://x\n");
        Tabbyctl.Result bad = ctl.run("get", "ippools", "--config", badCfg.toString());
        assertEquals("tabbyctl: config file " + badCfg + ": unknown field spec.etcdEndpoint; allowed: datastoreType, "
                + "etcdCACertFile, etcdCertFile, etcdEndpoints, etcdKeyFile, etcdPassword, etcdUsername\n", bad.err());
        assertEquals(0, new Tabbyctl(ETCD.config().endpointsText()).run("get", "ippools", "-c", cfg.toString()).exitCode());
    }

    @Test
    void nodeChecksystemShowsThePublishedVerdict() {
        String report = """
                {"node":"node-7","time":"2026-11-29T16:00:00Z","checks":[
                 {"id":"arch","status":"pass","observed":"x86_64","required":"x86-64, arm64, ppc64le or s390x","remedy":""},
                 {"id":"module-ipip","status":"fail","observed":"missing","required":"ipip for IP-in-IP pools","remedy":"use VXLAN"}],
                 "summary":{"pass":1,"warn":0,"fail":1,"skip":0}}""";
        try (var kv = dev.tabby.datastore.KeyValueStore.connect(ETCD.config())) {
            kv.put("/tabby/status/node-7/requirements-probe", report.getBytes(StandardCharsets.UTF_8));
            kv.put("/tabby/status/node-8/requirements-probe", "not json".getBytes(StandardCharsets.UTF_8));
        }
        Tabbyctl.Result r = ctl.run("node", "checksystem", "node-7");
        assertEquals(1, r.exitCode(), "a failed check makes the command fail");
        assertEquals("""
                Node node-7, probed 2026-11-29T16:00:00Z
                CHECK         STATUS   OBSERVED   REMEDY
                arch          pass     x86_64
                module-ipip   fail     missing    use VXLAN
                """, r.out());
        assertTrue(ctl.run("node", "checksystem", "node-7", "-o", "json").out().contains("\"module-ipip\""));
        assertEquals("tabbyctl: /tabby/status/node-8/requirements-probe does not hold a probe report (not JSON)\n",
                ctl.run("node", "checksystem", "node-8").err());
        Tabbyctl.Result none = ctl.run("node", "checksystem", "node-9");
        assertTrue(none.err().startsWith("tabbyctl: node node-9 has no requirements-probe report at /tabby/status/node-9/requirements-probe"), none::toString);
    }

    @Test
    void usageErrorsAreOneLineAndExitOne() {
        Tabbyctl.Result r = ctl.run("get", "gadgets");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("tabbyctl: \"gadgets\" is not a resource kind; one of IPPool,"), r::toString);
        Tabbyctl.Result noFile = ctl.run("apply", "-f", "/nonexistent/x.yaml");
        assertEquals("tabbyctl: Failed to execute command: manifest /nonexistent/x.yaml does not exist\n", noFile.err());
        Tabbyctl.Result badOpt = ctl.run("get", "ippools", "--frobnicate");
        assertEquals(1, badOpt.exitCode());
        assertEquals(1, badOpt.err().lines().count(), badOpt::toString);
        assertEquals(0, ctl.run("version", "--client").exitCode());
    }
}
