package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code -n} with {@code -f}, as calicoctl's handleNamespace (calicoctl/commands/common/resources.go) treats it. */
class NamespaceFlagTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
    }

    private Path manifest(String text) throws IOException {
        return Files.writeString(dir.resolve("m.yaml"), text);
    }

    private static String policy(String namespaceLine) {
        return "apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: web\n" + namespaceLine
                + "spec:\n  selector: app == 'web'\n";
    }

    @Test
    void aResourceWithoutNamespaceTakesTheFlags() throws IOException {
        Path f = manifest(policy(""));
        Tabbyctl.Result r = ctl.run("create", "-n", "shop", "-f", f.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(1, ETCD.etcdctl().getPrefix("/calico/resources/v3/projectcalico.org/networkpolicies/shop/").size());
        assertEquals(0, ctl.run("get", "-n", "shop", "-f", f.toString()).exitCode(), "get -f finds it in shop too");
        assertEquals(0, ctl.run("delete", "-n", "shop", "-f", f.toString()).exitCode());
        assertTrue(ETCD.etcdctl().getPrefix("/calico/resources/").isEmpty());
    }

    @Test
    void aResourceInAnotherNamespaceIsRefused() throws IOException {
        Tabbyctl.Result r = ctl.run("apply", "-n", "blog", "-f", manifest(policy("  namespace: shop\n")).toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("metadata.namespace: resource namespace does not match client namespace. shop != blog"),
                r::toString);
        assertTrue(ETCD.etcdctl().getPrefix("/calico/resources/").isEmpty(), "nothing written");
    }

    @Test
    void aKindWithoutNamespacesIsRefused() throws IOException {
        Path pool = manifest("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: 10.1.0.0/16\n");
        Tabbyctl.Result r = ctl.run("create", "-n", "shop", "-f", pool.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("IPPool is not namespaced"), r::toString);
    }
}
