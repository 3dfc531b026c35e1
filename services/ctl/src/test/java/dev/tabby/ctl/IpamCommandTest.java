package dev.tabby.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.ResourceStore;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.AssignedAddress;
import dev.tabby.ipam.AutoAssignRequest;
import dev.tabby.ipam.Ipam;
import dev.tabby.ipam.tools.Allocator;
import dev.tabby.model.net.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * tabbyctl ipam show / check / release / configure against a real etcd, with allocations made through the IPAM library.
 * Expected words for show --ip, show --show-configuration and configure are calicoctl v3.18's
 * (calicoctl/commands/ipam/show.go, configure.go); stored config JSON is libcalico-go v3.18's
 * (lib/backend/model/ipam_config.go).
 */
class IpamCommandTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    Tabbyctl ctl;
    KeyValueStore kv;
    Ipam ipam;
    Path dir;

    @BeforeEach
    void setUp(TestInfo info) throws IOException {
        ctl = new Tabbyctl(ETCD.config().endpointsText());
        dir = ETCD.scratchDir(info.getTestMethod().orElseThrow().getName());
        kv = KeyValueStore.connect(ETCD.config());
        ipam = new Ipam(kv);
        ETCD.etcdctl().run("del", "--prefix", "/calico/");
        Path manifest = Files.writeString(dir.resolve("setup.yaml"), """
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata:
                  name: pods
                spec:
                  cidr: 10.70.0.0/29
                  blockSize: 30
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata:
                  name: n1
                ---
                apiVersion: projectcalico.org/v3
                kind: Node
                metadata:
                  name: n2
                """);
        assertEquals(0, ctl.run("create", "-f", manifest.toString()).exitCode());
    }

    @AfterEach
    void tearDown() {
        kv.close();
    }

    private AssignedAddress owned(String node, String pod) {
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4(node, pod, 1)
                .withAttributes(Map.of("namespace", "ns", "pod", pod))).ipv4().get(0);
        new ResourceStore(kv).create(Allocator.workloadEndpoint(node, "ns", pod, pod, a));
        return a;
    }

    @Test
    void showPrintsPoolsBlocksAndBorrowedAddresses() {
        AssignedAddress first = owned("n1", "web-1");
        owned("n2", "db-1");
        owned("n2", "db-2");
        owned("n2", "db-3");
        owned("n2", "db-4");
        AssignedAddress borrowed = owned("n2", "db-5"); // n2's block is full: it borrows from n1's

        // Where each node's first block lies follows from the hash of its name: n1 walks the pool from 10.70.0.0/30.
        assertEquals("10.70.0.0/30", first.block().toString());
        assertEquals("10.70.0.1", borrowed.address().toString());

        Tabbyctl.Result pools = ctl.run("ipam", "show");
        assertEquals(0, pools.exitCode(), pools::toString);
        // calicoctl/commands/ipam/show.go: tablewriter's defaults, counts as %.5g, shares as %.f
        assertEquals("""
                +----------+--------------+-----------+------------+----------+
                | GROUPING |     CIDR     | IPS TOTAL | IPS IN USE | IPS FREE |
                +----------+--------------+-----------+------------+----------+
                | IP Pool  | 10.70.0.0/29 |         8 | 6 (75%)    | 2 (25%)  |
                +----------+--------------+-----------+------------+----------+
                """, pools.out());

        assertEquals("""
                +----------+--------------+-----------+------------+----------+
                | GROUPING |     CIDR     | IPS TOTAL | IPS IN USE | IPS FREE |
                +----------+--------------+-----------+------------+----------+
                | IP Pool  | 10.70.0.0/29 |         8 | 6 (75%)    | 2 (25%)  |
                | Block    | 10.70.0.0/30 |         4 | 2 (50%)    | 2 (50%)  |
                | Block    | 10.70.0.4/30 |         4 | 4 (100%)   | 0 (0%)   |
                +----------+--------------+-----------+------------+----------+
                """, ctl.run("ipam", "show", "--show-blocks").out());

        // The options are exclusive in calicoctl's usage: --show-borrowed prints the borrowed table alone.
        assertEquals("""
                +-----------+----------------+--------------+-------------+------+--------------+
                |    IP     | BORROWING-NODE |    BLOCK     | BLOCK OWNER | TYPE | ALLOCATED-TO |
                +-----------+----------------+--------------+-------------+------+--------------+
                | 10.70.0.1 | n2             | 10.70.0.0/30 | n1          | pod  | ns/db-5      |
                +-----------+----------------+--------------+-------------+------+--------------+
                """, ctl.run("ipam", "show", "--show-borrowed").out());
    }

    /**
     * GetUtilization's "orphaned allocation blocks" group (IPv4 blocks no pool holds, shown without a pool row) and
     * getBorrowedIPs' note on allocations without a node attribute, from blocks in v3.18's JSON.
     */
    @Test
    void orphanedBlocksAndUnclassifiedAllocationsAreShownAsCalicoShowsThem() {
        owned("n1", "web-1");
        // A block of a pool since deleted, with one address allocated before allocations carried their node.
        kv.put("/calico/ipam/v2/assignment/ipv4/block/10.99.0.0-30", ("{\"cidr\":\"10.99.0.0/30\",\"affinity\":null,"
                + "\"allocations\":[0,null,null,null],\"unallocated\":[1,2,3],\"attributes\":[{\"handle_id\":\"old\","
                + "\"secondary\":null}],\"deleted\":false}").getBytes());
        assertEquals("""
                +----------+--------------+-----------+------------+----------+
                | GROUPING |     CIDR     | IPS TOTAL | IPS IN USE | IPS FREE |
                +----------+--------------+-----------+------------+----------+
                | IP Pool  | 10.70.0.0/29 |         8 | 1 (12%)    | 7 (88%)  |
                | Block    | 10.70.0.0/30 |         4 | 1 (25%)    | 3 (75%)  |
                | Block    | 10.99.0.0/30 |         4 | 1 (25%)    | 3 (75%)  |
                +----------+--------------+-----------+------------+----------+
                """, ctl.run("ipam", "show", "--show-blocks").out());
        assertEquals("""
                +----+----------------+-------+-------------+------+--------------+
                | IP | BORROWING-NODE | BLOCK | BLOCK OWNER | TYPE | ALLOCATED-TO |
                +----+----------------+-------+-------------+------+--------------+
                +----+----------------+-------+-------------+------+--------------+

                Note: found 1 IP allocations without an explicit node association. Unable to determine if they are borrowed.
                """, ctl.run("ipam", "show", "--show-borrowed").out());
    }

    @Test
    void checkListsEachLeakAndReleaseClearsIt() {
        owned("n1", "web-1");
        AssignedAddress leaked = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "crashed-add", 1)).ipv4().get(0);

        Tabbyctl.Result dirty = ctl.run("ipam", "check");
        assertEquals(1, dirty.exitCode(), dirty::toString);
        String[] lines = dirty.out().split("\n");
        assertEquals(leaked.address() + " (block " + leaked.block() + ", handle crashed-add, node n1) is allocated but no"
                + " workload endpoint or node uses it", lines[0]);
        assertTrue(lines[1].startsWith("Found 1 problem(s) (1 leaked address) in 1 blocks, 2 allocations, 2 handles,"
                + " 1 owned addresses at revision "), dirty::toString);

        Tabbyctl.Result json = ctl.run("ipam", "check", "-o", "json");
        assertEquals(1, json.exitCode());
        assertTrue(json.out().contains("\"kind\" : \"LEAKED_ADDRESS\""), json::toString);

        Tabbyctl.Result released = ctl.run("ipam", "release", "--ip", leaked.address().toString());
        assertEquals(0, released.exitCode(), released::toString);
        assertEquals("Successfully released IP address " + leaked.address() + "\n", released.out());

        Tabbyctl.Result clean = ctl.run("ipam", "check");
        assertEquals(0, clean.exitCode(), clean::toString);
        assertTrue(clean.out().startsWith("IPAM is consistent: 1 blocks, 1 allocations, 1 handles, 1 owned addresses"),
                clean::toString);
    }

    @Test
    void checkReportsBlocksOfNodesThatAreGone() {
        AssignedAddress a = owned("n1", "web-1");
        // Gone without Calico's client (its key deleted by hand): tabbyctl delete node would release its blocks.
        kv.delete("/calico/resources/v3/projectcalico.org/nodes/n1");
        Tabbyctl.Result r = ctl.run("ipam", "check");
        assertEquals(1, r.exitCode());
        assertTrue(r.out().startsWith("block " + a.block() + " is affine to node n1, which does not exist\n"), r::toString);
    }

    @Test
    void deletingANodeWithTabbyctlLeavesNothingForCheckToReport() {
        AssignedAddress a = owned("n1", "web-1");
        assertEquals(0, ctl.run("delete", "node", "n1").exitCode());
        assertTrue(ipam.getAssignmentAttributes(a.address()).isEmpty(), "its endpoint's address released with it");
        Tabbyctl.Result r = ctl.run("ipam", "check");
        assertEquals(0, r.exitCode(), r::toString);
    }

    @Test
    void releaseRefusesWhatIsNotAllocated() {
        Tabbyctl.Result free = ctl.run("ipam", "release", "--ip", "10.70.0.3");
        assertEquals(1, free.exitCode());
        assertEquals("tabbyctl: 10.70.0.3 is not allocated in IPAM; nothing to release\n", free.err());

        Tabbyctl.Result bad = ctl.run("ipam", "release", "--ip", "10.70.0.300");
        assertEquals(1, bad.exitCode());
        assertEquals("tabbyctl: --ip: \"10.70.0.300\" is not an IP address; give an IPv4 or IPv6 address, e.g. 10.0.0.5\n",
                bad.err());

        Tabbyctl.Result missing = ctl.run("ipam", "release");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("Missing required option: '--ip=IP'"), missing::toString);
        assertTrue(ipam.getAssignmentAttributes(IpAddress.parse("10.70.0.3")).isEmpty());
    }

    // ---- configure (calicoctl/commands/ipam/configure.go) ----

    private static final String CONFIG_KEY = "/calico/ipam/v2/config";

    private String storedConfig() {
        return kv.get(CONFIG_KEY).map(e -> new String(e.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    private void storeConfig(String json) {
        kv.put(CONFIG_KEY, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void configureWritesStrictAffinityWithCalicosKeyAndFieldNames() {
        Tabbyctl.Result on = ctl.run("ipam", "configure", "--strictaffinity=true");
        assertEquals(0, on.exitCode(), on::toString);
        assertEquals("Successfully set StrictAffinity to: true\n", on.out());
        // json.Marshal of model.IPAMConfig{StrictAffinity: true, AutoAllocateBlocks: true}: the tags
        // `json:"strict_affinity,omitempty"`, `json:"auto_allocate_blocks,omitempty"`, `json:"maxBlocksPerHost,omitempty"`
        // in field order; MaxBlocksPerHost 0 is left out by omitempty.
        assertEquals("{\"strict_affinity\":true,\"auto_allocate_blocks\":true}", storedConfig());

        Tabbyctl.Result off = ctl.run("ipam", "configure", "--strictaffinity", "false");
        assertEquals(0, off.exitCode(), off::toString);
        assertEquals("Successfully set StrictAffinity to: false\n", off.out());
        assertEquals("{\"auto_allocate_blocks\":true}", storedConfig(), "false is left out by omitempty");
    }

    @Test
    void configureKeepsTheOtherFieldsAndRefusesWhatCalicoRefuses() {
        storeConfig("{\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":0}");
        assertEquals(0, ctl.run("ipam", "configure", "--strictaffinity=T").exitCode(), "strconv.ParseBool's T");
        storeConfig("{\"strict_affinity\":true,\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":3}");
        long revision = kv.get(CONFIG_KEY).orElseThrow().modRevision();

        Tabbyctl.Result same = ctl.run("ipam", "configure", "--strictaffinity=true");
        assertEquals(0, same.exitCode(), same::toString);
        assertEquals("Successfully set StrictAffinity to: true\n", same.out());
        assertEquals(revision, kv.get(CONFIG_KEY).orElseThrow().modRevision(), "unchanged settings are not rewritten");

        // libcalico-go's SetIPAMConfig (lib/ipam/ipam.go) refuses both of these; calicoctl prints its error.
        Tabbyctl.Result limit = ctl.run("ipam", "configure", "--strictaffinity=false");
        assertEquals(1, limit.exitCode(), limit::toString);
        assertEquals("tabbyctl: MaxBlocksPerHost requires StrictAffinity to be enabled\n", limit.err());
        assertEquals("{\"strict_affinity\":true,\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":3}", storedConfig());

        storeConfig("{\"strict_affinity\":true}");
        Tabbyctl.Result both = ctl.run("ipam", "configure", "--strictaffinity=0");
        assertEquals(1, both.exitCode(), both::toString);
        assertEquals("tabbyctl: Cannot disable 'StrictAffinity' and 'AutoAllocateBlocks' at the same time\n", both.err());
        assertEquals("{\"strict_affinity\":true}", storedConfig());
    }

    @Test
    void configureRejectsABadOrMissingValueNamingTheFlag() {
        Tabbyctl.Result bad = ctl.run("ipam", "configure", "--strictaffinity=maybe");
        assertEquals(1, bad.exitCode());
        assertEquals("tabbyctl: --strictaffinity: invalid value \"maybe\"; use true or false to set strictaffinity\n",
                bad.err());
        Tabbyctl.Result missing = ctl.run("ipam", "configure");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("Missing required option: '--strictaffinity=true|false'"),
                missing::toString);
        assertEquals(null, storedConfig(), "nothing written");
    }

    // ---- show --show-configuration (show.go showConfiguration) ----

    @Test
    void showConfigurationListsEachFieldOfIpamConfig() {
        Tabbyctl.Result defaults = ctl.run("ipam", "show", "--show-configuration");
        assertEquals(0, defaults.exitCode(), defaults::toString);
        // With no key stored, GetIPAMConfig's default: StrictAffinity false, AutoAllocateBlocks true, MaxBlocksPerHost 0.
        assertEquals("""
                +--------------------+-------+
                |      PROPERTY      | VALUE |
                +--------------------+-------+
                | StrictAffinity     | false |
                | AutoAllocateBlocks | true  |
                | MaxBlocksPerHost   |     0 |
                +--------------------+-------+
                """, defaults.out());

        storeConfig("{\"strict_affinity\":true,\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":4}");
        assertEquals("""
                +--------------------+-------+
                |      PROPERTY      | VALUE |
                +--------------------+-------+
                | StrictAffinity     | true  |
                | AutoAllocateBlocks | true  |
                | MaxBlocksPerHost   |     4 |
                +--------------------+-------+
                """, ctl.run("ipam", "show", "--show-configuration").out());
    }

    // ---- show --ip (show.go showIP over libcalico-go's GetAssignmentAttributes) ----

    @Test
    void showIpSaysInUseWithTheAttributes() {
        AssignedAddress a = owned("n1", "web-1");
        Tabbyctl.Result r = ctl.run("ipam", "show", "--ip", a.address().toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("IP " + a.address() + " is in use\n"
                + "Attributes:\n"
                + "  namespace: ns\n"
                + "  node: n1\n"
                + "  pod: web-1\n", r.out());
    }

    @Test
    void showIpWithoutAttributesSaysSo() {
        // A block as Calico stores it, 10.70.0.5 allocated under a handle with no secondary attributes.
        kv.put("/calico/ipam/v2/assignment/ipv4/block/10.70.0.4-30", """
                {"cidr":"10.70.0.4/30","affinity":"host:n2","allocations":[null,0,null,null],"unallocated":[0,2,3],\
                "attributes":[{"handle_id":"bare","secondary":null}],"deleted":false}""".getBytes(StandardCharsets.UTF_8));
        Tabbyctl.Result r = ctl.run("ipam", "show", "--ip=10.70.0.5");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("IP 10.70.0.5 is in use\nNo attributes defined\n", r.out());
    }

    @Test
    void showIpSaysNotAssignedWhenFreeBlocklessOrOutsideEveryPool() {
        AssignedAddress a = owned("n1", "web-1");
        String free = a.address().toString().equals("10.70.0.0") ? "10.70.0.1" : "10.70.0.0";
        assertEquals(free + " is not assigned\n", ctl.run("ipam", "show", "--ip", free).out(), "free in its block");
        assertEquals("10.70.0.6 is not assigned\n", ctl.run("ipam", "show", "--ip", "10.70.0.6").out(), "no block");
        Tabbyctl.Result outside = ctl.run("ipam", "show", "--ip", "192.0.2.1");
        assertEquals(0, outside.exitCode(), outside::toString);
        assertEquals("192.0.2.1 is not assigned\n", outside.out(), "in no pool");
    }

    @Test
    void showIpSaysNotAssignedWhenItsPoolIsDisabled() throws IOException {
        AssignedAddress a = owned("n1", "web-1");
        Path disabled = Files.writeString(dir.resolve("disabled.yaml"), """
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata:
                  name: pods
                spec:
                  cidr: 10.70.0.0/29
                  blockSize: 30
                  disabled: true
                """);
        assertEquals(0, ctl.run("apply", "-f", disabled.toString()).exitCode());
        // GetAssignmentAttributes only consults enabled pools (getPoolForIP over GetEnabledPools), so calicoctl
        // reports an address of a disabled pool as not assigned although its block still holds it.
        assertEquals(a.address() + " is not assigned\n", ctl.run("ipam", "show", "--ip", a.address().toString()).out());
        assertTrue(ipam.getAssignmentAttributes(a.address()).isPresent(), "the allocation itself is still there");
    }

    @Test
    void showIpRejectsABadAddressAndAnotherMode() {
        Tabbyctl.Result bad = ctl.run("ipam", "show", "--ip", "10.70.0.300");
        assertEquals(1, bad.exitCode());
        assertEquals("tabbyctl: --ip: \"10.70.0.300\" is not an IP address; give an IPv4 or IPv6 address, e.g. 10.0.0.5\n",
                bad.err());
        // calicoctl's usage: [--ip=<IP> | --show-blocks | --show-borrowed | --show-configuration]
        Tabbyctl.Result both = ctl.run("ipam", "show", "--ip", "10.70.0.1", "--show-blocks");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("mutually exclusive"), both::toString);
    }

    // ---- help ----

    @Test
    void everyIpamCommandHasHelp() {
        for (String[] args : new String[][] {{"ipam", "--help"}, {"ipam", "-h"}, {"ipam", "show", "--help"},
                {"ipam", "check", "-h"}, {"ipam", "release", "--help"}, {"ipam", "configure", "-h"}}) {
            Tabbyctl.Result r = ctl.run(args);
            String command = String.join(" ", java.util.Arrays.copyOf(args, args.length - 1));
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("Usage: tabbyctl " + command), r::toString);
            assertTrue(r.out().contains("-h, --help"), r::toString);
        }
        assertTrue(ctl.run("ipam", "--help").out().contains("configure"), "configure is listed under ipam");
    }
}
