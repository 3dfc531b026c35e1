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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tabbyctl ipam show / check / release against a real etcd, with allocations made through the IPAM library. */
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
        assertEquals("""
                GROUPING   CIDR           IPS TOTAL   IPS IN USE   IPS FREE
                IP Pool    10.70.0.0/29   8           6 (75%)      2 (25%)
                """, pools.out());

        assertEquals("""
                GROUPING   CIDR           IPS TOTAL   IPS IN USE   IPS FREE   NODE
                IP Pool    10.70.0.0/29   8           6 (75%)      2 (25%)
                Block      10.70.0.0/30   4           2 (50%)      2 (50%)    n1
                Block      10.70.0.4/30   4           4 (100%)     0 (0%)     n2
                """, ctl.run("ipam", "show", "--show-blocks").out());

        assertEquals("""
                GROUPING   CIDR           IPS TOTAL   IPS IN USE   IPS FREE
                IP Pool    10.70.0.0/29   8           6 (75%)      2 (25%)

                IP          BORROWING-NODE   BLOCK          BLOCK OWNER   TYPE   ALLOCATED-TO
                10.70.0.1   n2               10.70.0.0/30   n1            pod    ns/db-5
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
        assertEquals(0, ctl.run("delete", "node", "n1").exitCode());
        Tabbyctl.Result r = ctl.run("ipam", "check");
        assertEquals(1, r.exitCode());
        assertTrue(r.out().startsWith("block " + a.block() + " is affine to node n1, which does not exist\n"), r::toString);
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
        assertTrue(missing.err().startsWith("tabbyctl: Missing required option: '--ip=IP'"), missing::toString);
        assertTrue(ipam.getAssignmentAttributes(IpAddress.parse("10.70.0.3")).isEmpty());
    }
}
