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

/**
 * Reads are lenient, writes are strict (issue 11): a value calicoctl or calico-node stored that Tabby would not write
 * itself is listed, read, replaced and deleted by tabbyctl, with a warning naming the problem.
 */
class LenientReadCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    private static final String KEY = "/calico/resources/v3/projectcalico.org/ippools/odd";

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
        // A field of a later Calico, and a selector Tabby's validation refuses: a writer other than Tabby left it.
        ETCD.etcdctl().run("put", KEY, "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"IPPool\",\"metadata\":"
                + "{\"name\":\"odd\"},\"spec\":{\"cidr\":\"10.9.0.0/16\",\"blockSize\":26,\"nodeSelector\":\"zone ==\","
                + "\"allowedUses\":[\"Workload\"]}}");
    }

    @Test
    void listedAndReadWithWarnings() {
        Tabbyctl.Result list = ctl.run("get", "ippools");
        assertEquals(0, list.exitCode(), list::toString);
        assertTrue(list.out().contains("odd "), list::toString);
        assertTrue(list.err().contains("tabbyctl: warning: etcd key " + KEY + ": field spec.allowedUses is not in Calico "
                + "v3.18's IPPool; skipped (it is dropped if the resource is written back)\n"), list::toString);
        assertTrue(list.err().contains("tabbyctl: warning: etcd key " + KEY + ": spec.nodeSelector"), list::toString);

        Tabbyctl.Result one = ctl.run("get", "ippool", "odd", "-o", "yaml");
        assertEquals(0, one.exitCode(), one::toString);
        assertTrue(one.out().contains("nodeSelector: zone =="), one::toString);
        assertEquals(2, one.err().lines().count(), one::toString);
    }

    @Test
    void replacedWithAValidValue() throws IOException {
        Path fixed = Files.writeString(dir.resolve("fixed.yaml"), "apiVersion: projectcalico.org/v3\nkind: IPPool\n"
                + "metadata:\n  name: odd\nspec:\n  cidr: 10.9.0.0/16\n  blockSize: 26\n  nodeSelector: zone == 'a'\n");
        Tabbyctl.Result r = ctl.run("replace", "-f", fixed.toString());
        assertEquals(0, r.exitCode(), r::toString);
        Tabbyctl.Result after = ctl.run("get", "ippool", "odd");
        assertEquals("", after.err(), "nothing left to warn about");
    }

    @Test
    void deleted() {
        Tabbyctl.Result r = ctl.run("delete", "ippool", "odd");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(ETCD.etcdctl().getPrefix(KEY).isEmpty());
    }
}
