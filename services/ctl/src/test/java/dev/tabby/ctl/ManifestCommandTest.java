package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.v3.IPPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * create, apply, replace and delete against a real etcd, their result lines held to calicoctl's strings
 * (calicoctl/commands/{create,apply,replace,delete}.go at release-v3.18 and common/resources.go), and the
 * calicoctl options --skip-exists, --skip-not-exists/-s, --skip-empty, -f DIRECTORY and -R/--recursive
 * (common/resources.go, file/iter.go).
 */
class ManifestCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private static final String POOLS = "/calico/resources/v3/projectcalico.org/ippools/";

    Tabbyctl ctl;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    private static String pool(String name, String cidr) {
        return "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: " + name + "\nspec:\n  cidr: " + cidr + "\n";
    }

    private static String gnp(String name) {
        return "apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: " + name
                + "\nspec:\n  selector: all()\n";
    }

    private String keys(String prefix) {
        return String.join("\n", ETCD.etcdctl().getPrefix(prefix).keySet());
    }

    private IPPool.Spec poolSpec(String pool) {
        return ((IPPool) ResourceCodec.read(ctl.run("get", "ippool", pool, "-o", "yaml").out()).resources().get(0)).spec();
    }

    @Test
    void successLinesNameTheKindOnlyWhenThereIsOne() throws IOException {
        Tabbyctl.Result pools = ctl.run("apply", "-f", write("pools.yaml", pool("ok-a", "10.80.0.0/16") + "---\n"
                + pool("ok-b", "10.81.0.0/16")).toString());
        assertEquals(0, pools.exitCode(), pools::toString);
        assertEquals("Successfully applied 2 'IPPool' resource(s)\n", pools.out()); // apply.go
        Tabbyctl.Result mixed = ctl.run("apply", "-f", write("mixed.yaml", pool("ok-c", "10.82.0.0/16") + "---\n"
                + gnp("ok-policy")).toString());
        assertEquals(0, mixed.exitCode(), mixed::toString);
        assertEquals("Successfully applied 2 resource(s)\n", mixed.out()); // apply.go, no SingleKind
        Tabbyctl.Result deleted = ctl.run("delete", "-f", write("mixed.yaml", pool("ok-c", "10.82.0.0/16") + "---\n"
                + gnp("ok-policy")).toString());
        assertEquals("Successfully deleted 2 resource(s)\n", deleted.out()); // delete.go
        Tabbyctl.Result byName = ctl.run("delete", "ippools", "ok-a", "ok-b");
        assertEquals(0, byName.exitCode(), byName::toString);
        assertEquals("Successfully deleted 2 'IPPool' resource(s)\n", byName.out());
        assertEquals("", keys(POOLS + "ok-"));
    }

    @Test
    void failureLinesAsCalicoctlsWhenNothingWasWritten() throws IOException {
        Path one = write("one.yaml", pool("dup-a", "10.84.0.0/16"));
        assertEquals(0, ctl.run("create", "-f", one.toString()).exitCode());
        Tabbyctl.Result single = ctl.run("create", "-f", one.toString());
        assertEquals(1, single.exitCode());
        assertEquals("", single.out());
        // create.go: "Failed to create '%s' resource: %v" with the []error printed by Go as [..]
        assertEquals("tabbyctl: Failed to create 'IPPool' resource: [IPPool \"dup-a\" already exists; use apply or "
                + "replace to change it]\n", single.err());

        assertEquals(0, ctl.run("create", "-f", write("p.yaml", gnp("dup-policy")).toString()).exitCode());
        Tabbyctl.Result mixed = ctl.run("create", "-f", write("both.yaml", pool("dup-a", "10.84.0.0/16") + "---\n"
                + gnp("dup-policy")).toString());
        assertEquals(1, mixed.exitCode());
        // create.go: "Failed to create any resources: %v"
        assertEquals("tabbyctl: Failed to create any resources: [IPPool \"dup-a\" already exists; use apply or replace "
                + "to change it GlobalNetworkPolicy \"dup-policy\" already exists; use apply or replace to change it]\n",
                mixed.err());
    }

    @Test
    void skipExistsCountsTheExistingAsCreated() throws IOException {
        assertEquals(0, ctl.run("create", "-f", write("old.yaml", pool("skip-old", "10.85.0.0/16")).toString()).exitCode());
        Path both = write("both.yaml", pool("skip-old", "10.86.0.0/16") + "---\n" + pool("skip-new", "10.87.0.0/16"));
        Tabbyctl.Result r = ctl.run("create", "-f", both.toString(), "--skip-exists");
        assertEquals(0, r.exitCode(), r::toString);
        // create.go: "If the --skip-exists flag is set then skipped resources are included in the success count."
        assertEquals("Successfully created 2 'IPPool' resource(s)\n", r.out());
        assertEquals("", r.err());
        assertEquals("10.85.0.0/16", poolSpec("skip-old").cidr(), "an existing resource is skipped, not overwritten");
        assertEquals(POOLS + "skip-new", keys(POOLS + "skip-new"));
    }

    @Test
    void applyReportsAConflictPerResourceAndWritesTheRest() throws IOException {
        assertEquals(0, ctl.run("apply", "-f", write("v1.yaml", pool("race", "10.88.0.0/16")).toString()).exitCode());
        String readVersion = ResourceCodec.read(ctl.run("get", "ippool", "race", "-o", "yaml").out()).resources().get(0)
                .metadata().resourceVersion();
        // Someone else changes it after our read.
        assertEquals(0, ctl.run("label", "ippool", "race", "owner=other").exitCode());
        String stale = pool("race", "10.88.0.0/16").replace("  name: race\n", "  name: race\n  resourceVersion: \""
                + readVersion + "\"\n");
        Path f = write("stale.yaml", pool("after-race", "10.89.0.0/16") + "---\n" + stale);
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(1, r.exitCode());
        // apply.go: "Partial success: applied the first %d out of %d '%s' resources:" then "Hit error(s): %v"
        assertEquals("Partial success: applied the first 1 out of 2 'IPPool' resources:\n", r.out());
        assertTrue(r.err().startsWith("tabbyctl: Hit error(s): [IPPool \"race\" changed since it was read: resourceVersion "
                + readVersion + " is stale"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertEquals(POOLS + "after-race", keys(POOLS + "after-race"));
        assertTrue(ctl.run("get", "ippool", "race", "-o", "yaml").out().contains("owner: other"), "the newer write stands");
    }

    @Test
    void replaceStopsAtItsFirstFailure() throws IOException {
        assertEquals(0, ctl.run("create", "-f", write("two.yaml", pool("rep-a", "10.90.0.0/16") + "---\n"
                + pool("rep-b", "10.91.0.0/16")).toString()).exitCode());
        String disabled = "spec:\n  disabled: true\n";
        Path f = write("three.yaml", pool("rep-a", "10.90.0.0/16").replace("spec:\n", disabled) + "---\n"
                + pool("rep-z", "10.93.0.0/16").replace("spec:\n", disabled) + "---\n"
                + pool("rep-b", "10.91.0.0/16").replace("spec:\n", disabled));
        Tabbyctl.Result r = ctl.run("replace", "-f", f.toString());
        assertEquals(1, r.exitCode());
        // replace.go: "Partial success: replaced the first %d out of %d '%s' resources:" then "Hit error: %v"
        assertEquals("Partial success: replaced the first 1 out of 3 'IPPool' resources:\n", r.out(), r::toString);
        assertEquals("tabbyctl: Hit error: IPPool \"rep-z\" does not exist; use create or apply to add it\n", r.err());
        assertEquals(Boolean.TRUE, poolSpec("rep-a").disabled());
        assertEquals(Boolean.FALSE, poolSpec("rep-b").disabled(), "replace stops at the first failure");
        assertEquals("", keys(POOLS + "rep-z"));
    }

    @Test
    void aWriteTheDatastoreRefusesIsReportedForThatResource() throws IOException {
        assertEquals(0, ctl.run("create", "-f", write("one.yaml", pool("refuse-a", "10.96.0.0/16")).toString()).exitCode());
        // libcalico-go clientv3/ippool.go: an IPPool's CIDR cannot change; the datastore refuses that write alone.
        Path f = write("two.yaml", pool("refuse-a", "10.97.0.0/16") + "---\n" + pool("refuse-b", "10.98.0.0/16"));
        Tabbyctl.Result r = ctl.run("apply", "-f", f.toString());
        assertEquals(1, r.exitCode());
        assertEquals("Partial success: applied the first 1 out of 2 'IPPool' resources:\n", r.out(), r::toString);
        assertEquals("tabbyctl: Hit error(s): [IPPool \"refuse-a\" refused: spec.cidr: IPPool CIDR cannot be modified "
                + "(it is 10.96.0.0/16)]\n", r.err());
        assertEquals(POOLS + "refuse-b", keys(POOLS + "refuse-b"));
    }

    @Test
    void deleteReportsWhatItDeletedAndEachFailure() throws IOException {
        assertEquals(0, ctl.run("create", "-f", write("p.yaml", pool("del-a", "10.95.0.0/16")).toString()).exitCode());
        Tabbyctl.Result r = ctl.run("delete", "ippool", "del-missing", "del-a", "del-gone");
        assertEquals(1, r.exitCode());
        // delete.go: the success count, then "Failed to delete '%s' resource: %v" for each failure.
        assertEquals("Successfully deleted 1 'IPPool' resource(s)\n", r.out());
        assertEquals("""
                tabbyctl: Failed to delete 'IPPool' resource: IPPool "del-missing" does not exist
                tabbyctl: Failed to delete 'IPPool' resource: IPPool "del-gone" does not exist
                """, r.err());
        assertEquals("", keys(POOLS + "del-a"));
        Tabbyctl.Result skipped = ctl.run("delete", "ippool", "del-missing", "-s");
        assertEquals(0, skipped.exitCode(), skipped::toString);
        assertEquals("Successfully deleted 1 'IPPool' resource(s)\n", skipped.out());
    }

    @Test
    void directoryReadsManifestFilesAndRecursiveDescends() throws IOException {
        Path d = dir.resolve("manifests");
        write("manifests/a.yaml", pool("dir-a", "10.100.0.0/16"));
        write("manifests/b.yml", pool("dir-b", "10.101.0.0/16"));
        write("manifests/c.json", "{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"IPPool\", "
                + "\"metadata\": {\"name\": \"dir-c\"}, \"spec\": {\"cidr\": \"10.102.0.0/16\"}}");
        write("manifests/README.txt", "not a manifest");
        write("manifests/sub/d.yaml", pool("dir-d", "10.103.0.0/16"));
        Tabbyctl.Result flat = ctl.run("create", "-f", d.toString());
        assertEquals(0, flat.exitCode(), flat::toString);
        assertEquals("Successfully created 3 'IPPool' resource(s)\n", flat.out());
        assertEquals("", keys(POOLS + "dir-d"), "without -R a subdirectory is not read");
        Tabbyctl.Result deep = ctl.run("apply", "-f", d.toString(), "-R");
        assertEquals(0, deep.exitCode(), deep::toString);
        assertEquals("Successfully applied 4 'IPPool' resource(s)\n", deep.out());
        assertEquals(POOLS + "dir-d", keys(POOLS + "dir-d"));
        Tabbyctl.Result longForm = ctl.run("delete", "--filename", d.toString(), "--recursive");
        assertEquals("Successfully deleted 4 'IPPool' resource(s)\n", longForm.out());
    }

    @Test
    void oneBadFileInADirectoryMeansNothingIsWritten() throws IOException {
        Path d = dir.resolve("manifests");
        write("manifests/1-good.yaml", pool("bad-dir-good", "10.104.0.0/16"));
        Path bad = write("manifests/2-bad.yaml", pool("bad-dir-bad", "10.105.0.0/16").replace("spec:\n", "spec:\n  blockSize: 40\n"));
        Tabbyctl.Result r = ctl.run("apply", "-f", d.toString());
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertEquals("tabbyctl: Failed to execute command: " + bad + ": document 1 (IPPool \"bad-dir-bad\") at line 1: "
                + "spec.blockSize: 40 is not allowed; IPv4 block size must be 20..32\n", r.err());
        assertEquals("", keys(POOLS + "bad-dir"));
    }

    @Test
    void emptyFilesAndDirectoriesFailUnlessSkipEmpty() throws IOException {
        Path empty = write("empty.yaml", "# nothing here\n");
        Tabbyctl.Result r = ctl.run("apply", "-f", empty.toString());
        assertEquals(1, r.exitCode());
        // common/resources.go: "No resources specified in file %s", and in directory %s
        assertEquals("tabbyctl: No resources specified in file " + empty + "\n", r.err());
        Tabbyctl.Result skipped = ctl.run("apply", "-f", empty.toString(), "--skip-empty");
        assertEquals(0, skipped.exitCode(), skipped::toString);
        assertEquals("No resources specified\n", skipped.out()); // apply.go

        Path emptyDir = Files.createDirectories(dir.resolve("nothing"));
        write("nothing/notes.txt", pool("ignored", "10.106.0.0/16"));
        Tabbyctl.Result dirResult = ctl.run("create", "-f", emptyDir.toString());
        assertEquals(1, dirResult.exitCode());
        assertEquals("tabbyctl: No resources specified in directory " + emptyDir + "\n", dirResult.err());
        assertEquals(0, ctl.run("create", "-f", emptyDir.toString(), "--skip-empty").exitCode());

        Path some = dir.resolve("some");
        write("some/a-empty.yaml", "");
        write("some/b.yaml", pool("after-empty", "10.107.0.0/16"));
        Tabbyctl.Result withEmpty = ctl.run("create", "-f", some.toString());
        assertEquals(1, withEmpty.exitCode());
        assertEquals("tabbyctl: No resources specified in file " + some.resolve("a-empty.yaml") + "\n", withEmpty.err());
        assertEquals("", keys(POOLS + "after-empty"), "nothing is written when a file is empty");
        Tabbyctl.Result skipEmpty = ctl.run("create", "-f", some.toString(), "--skip-empty");
        assertEquals("Successfully created 1 'IPPool' resource(s)\n", skipEmpty.out());
        assertEquals(POOLS + "after-empty", keys(POOLS + "after-empty"));
    }
}
