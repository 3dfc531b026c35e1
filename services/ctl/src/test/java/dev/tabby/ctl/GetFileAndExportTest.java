package dev.tabby.ctl;

import static dev.tabby.ctl.GetTablesTest.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code get -f FILE} and {@code get --export}, as calicoctl v3.18 (calicoctl/commands/common/resources.go
 * ExecuteConfigCommand): each resource of the file is fetched by its kind, namespace and name, a result of its own;
 * one not found is reported after the others and the exit code is 1. --export strips namespace, uid,
 * resourceVersion and creationTimestamp from resources asked for by name, and is ignored for a listed kind.
 */
class GetFileAndExportTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    Path dir;

    private static final String POOL_A = """
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: pool-a, labels: {env: prod}}
            spec: {cidr: 10.1.0.0/16}
            """;
    private static final String POLICY = """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: web, namespace: shop}
            spec: {selector: "app == 'web'"}
            """;
    private static final String POOL_X = """
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: pool-x}
            spec: {cidr: 10.9.0.0/16}
            """;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
        Tabbyctl.Result r = ctl.run("apply", "-f", Files.writeString(dir.resolve("data.yaml"), POOL_A + "---\n" + POLICY).toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void getFileShowsEachResourceItNamesAndReportsTheMissingOnes() throws IOException {
        Path file = Files.writeString(dir.resolve("wanted.yaml"), POOL_A + "---\n" + POOL_X + "---\n" + POLICY);
        Tabbyctl.Result r = ctl.run("get", "-f", file.toString());
        assertEquals(1, r.exitCode(), r::toString);
        // One table per resource (printer.go prints each result with its own tabwriter and an empty line after).
        assertEquals(lines(
                "NAME     CIDR          SELECTOR   |",
                "pool-a   10.1.0.0/16   all()      |",
                "",
                "NAME   |",
                "web    |",
                ""), r.out());
        assertEquals("tabbyctl: IPPool \"pool-x\" does not exist\n", r.err());

        // Several results in YAML are a list of them, which reads back as a manifest.
        Path both = Files.writeString(dir.resolve("both.yaml"), POOL_A + "---\n" + POLICY);
        Tabbyctl.Result yaml = ctl.run("get", "-f", both.toString(), "-o", "yaml");
        assertEquals(0, yaml.exitCode(), yaml::toString);
        assertTrue(yaml.out().startsWith("- apiVersion: projectcalico.org/v3\n"), yaml::toString);
        assertEquals(2, ResourceCodec.read(yaml.out()).resources().size(), yaml::toString);
    }

    @Test
    void getFileRefusesWhatCalicoctlRefuses() throws IOException {
        Path file = Files.writeString(dir.resolve("p.yaml"), POLICY);
        assertEquals("tabbyctl: Failed to execute command: document 1 (NetworkPolicy \"web\") at line 1: metadata.namespace: "
                + "resource namespace does not match client namespace. shop != blog\n",
                ctl.run("get", "-f", file.toString(), "-n", "blog").err());
        Tabbyctl.Result both = ctl.run("get", "ippools", "-f", file.toString());
        assertEquals(1, both.exitCode(), both::toString);
        assertTrue(both.err().contains("give either KIND [NAME...] or -f FILENAME, not both"), both::toString);
        // resources.go handleNamespace: -n or -A on a kind without namespaces.
        assertEquals("tabbyctl: IPPool is not namespaced\n", ctl.run("get", "ippools", "-A").err());
        assertEquals("tabbyctl: resource name may not be empty\n", ctl.run("get", "ippools", "").err());
    }

    @Test
    void exportStripsClusterSpecificMetadataOfNamedResources() {
        Tabbyctl.Result plain = ctl.run("get", "ippool", "pool-a", "-o", "yaml");
        assertTrue(plain.out().contains("resourceVersion:") && plain.out().contains("uid:")
                && plain.out().contains("creationTimestamp:"), plain::toString);

        Tabbyctl.Result exported = ctl.run("get", "ippool", "pool-a", "-o", "yaml", "--export");
        assertEquals(0, exported.exitCode(), exported::toString);
        for (String field : new String[] {"resourceVersion", "uid", "creationTimestamp"}) {
            assertFalse(exported.out().contains(field + ":"), field + " is stripped:\n" + exported.out());
        }
        Resource pool = ResourceCodec.read(exported.out()).resources().get(0);
        assertEquals("pool-a", pool.name());
        assertEquals("prod", pool.metadata().labels().get("env"), "labels stay");

        Tabbyctl.Result policy = ctl.run("get", "networkpolicy", "web", "-n", "shop", "-o", "yaml", "--export");
        assertFalse(policy.out().contains("namespace:"), "the namespace is stripped too:\n" + policy.out());

        // "This flag will be ignored if <NAME> is not specified."
        Tabbyctl.Result listed = ctl.run("get", "ippools", "-o", "yaml", "--export");
        assertEquals(0, listed.exitCode(), listed::toString);
        assertTrue(listed.out().contains("uid:"), listed::toString);
    }
}
