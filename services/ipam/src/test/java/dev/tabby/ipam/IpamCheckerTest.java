package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.IpamHandle;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.ipam.tools.Allocator;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each kind of finding, made on purpose in a real etcd, and a clean report once it is put right. */
class IpamCheckerTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;
    IpamChecker checker;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
        checker = new IpamChecker(f.kv);
        f.pool("p", "10.0.0.0/24", 28);
        f.node("n1", Map.of());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    /** The CNI plugin's ADD: an address and the endpoint that owns it. */
    private AssignedAddress owned(String handle) {
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4("n1", handle, 1)).ipv4().get(0);
        f.resources.create(Allocator.workloadEndpoint("n1", "ns", handle, handle, a));
        return a;
    }

    @Test
    void aConsistentDatastoreIsClean() {
        owned("pod-a");
        AssignedAddress tunnel = ipam.assignTunnelAddress("n1", TunnelAddressType.VXLAN, List.of());
        f.resources.update(ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: Node\nmetadata:\n  name: n1\n"
                + "spec:\n  ipv4VXLANTunnelAddr: " + tunnel.address() + "\n").resources().get(0));
        IpamReport report = checker.check();
        assertTrue(report.clean(), report.findings()::toString);
        assertEquals(2, report.allocations());
        assertEquals(2, report.owners());
    }

    @Test
    void reportsEachKindOfInconsistency() {
        AssignedAddress fine = owned("pod-fine");
        AssignedAddress leaked = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "pod-leaked", 1)).ipv4().get(0);
        AssignedAddress orphan = owned("pod-orphan");
        f.kv.delete(IpamKeys.handle("pod-orphan"));
        f.kv.put(IpamKeys.handle("ghost"), IpamJson.encode(IpamHandle.EMPTY.plus(fine.block(), 1)));
        f.node("gone", Map.of());
        AssignedAddress gone = ipam.autoAssign(AutoAssignRequest.ipv4("gone", "on-gone", 1)).ipv4().get(0);
        f.resources.create(Allocator.workloadEndpoint("gone", "ns", "on-gone", "on-gone", gone));
        f.kv.delete("/calico/resources/v3/projectcalico.org/nodes/gone"); // removed without Calico's cleanup
        AssignedAddress notAllocated = new AssignedAddress(IpAddress.parse("10.0.0.200"), null, "x");
        f.resources.create(Allocator.workloadEndpoint("n1", "ns", "squatter", "squatter", notAllocated));
        f.kv.put("/calico/ipam/v2/assignment/ipv4/block/10.0.1.0-28", "{not json".getBytes());

        IpamReport report = checker.check();
        assertEquals(1, report.of(Finding.Kind.UNREADABLE).size());
        assertTrue(report.of(Finding.Kind.UNREADABLE).get(0).detail()
                .startsWith("etcd key /calico/ipam/v2/assignment/ipv4/block/10.0.1.0-28: not JSON: Unexpected character"));
        assertEquals(Set.of(
                leaked.address() + " (block " + leaked.block() + ", handle pod-leaked, node n1) is allocated but no workload "
                        + "endpoint or node uses it",
                "block " + gone.block() + " is affine to node gone, which does not exist",
                orphan.address() + " in block " + orphan.block() + " names handle pod-orphan, which does not exist",
                "handle ghost counts 1 address(es) in block " + fine.block() + ", but the block holds 0 for it",
                "10.0.0.200 is used by Workload(ns/n1-k8s-squatter-eth0) but is not allocated in IPAM"),
                report.findings().stream().filter(x -> x.kind() != Finding.Kind.UNREADABLE).map(Finding::detail)
                        .collect(Collectors.toSet()));
        assertEquals(6, report.findings().size());
        Finding leak = report.of(Finding.Kind.LEAKED_ADDRESS).get(0);
        assertEquals(new Finding(Finding.Kind.LEAKED_ADDRESS, leaked.address().toString(), leaked.block().toString(),
                "pod-leaked", "n1", leak.detail()), leak);

        // Put it all right: release the leak, restore the handle, drop the ghost, add the node, allocate the squatter.
        ipam.releaseIps(List.of(ReleaseRequest.of(leaked.address())));
        f.kv.put(IpamKeys.handle("pod-orphan"), IpamJson.encode(IpamHandle.EMPTY.plus(orphan.block(), 1)));
        f.kv.delete(IpamKeys.handle("ghost"));
        f.node("gone", Map.of());
        ipam.assignIp(notAllocated.address(), "squatter", null, "n1");
        f.kv.delete("/calico/ipam/v2/assignment/ipv4/block/10.0.1.0-28");
        IpamReport after = checker.check();
        assertTrue(after.clean(), after.findings()::toString);
    }

    @Test
    void theReportHasAJsonForm() throws Exception {
        ipam.autoAssign(AutoAssignRequest.ipv4("n1", "pod-leaked", 1));
        JsonNode json = new ObjectMapper().readTree(checker.check().toJson());
        assertEquals(1, json.path("allocations").asInt());
        assertEquals("LEAKED_ADDRESS", json.path("findings").get(0).path("kind").asText());
        assertEquals("pod-leaked", json.path("findings").get(0).path("handle").asText());
        assertTrue(Cidr.parse(json.path("findings").get(0).path("block").asText()).prefixLength() == 28);
    }
}
