package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * IPAM data written by Calico v3.18's tools (calico-node, the CNI plugin, calicoctl), in v3.18's exact JSON
 * (golden/README.md): Tabby assigns into it and releases from it, by handle and by address, and what it writes back
 * has exactly v3.18's fields, so v3.18 reads it as it wrote it.
 */
class V318DataTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    /** The fields of v3.18's AllocationBlock (lib/backend/model/block.go), in struct order. */
    private static final List<String> V318_BLOCK_FIELDS =
            List.of("cidr", "affinity", "allocations", "unallocated", "attributes", "deleted");
    private static final String BLOCK_KEY = "/calico/ipam/v2/assignment/ipv4/block/10.65.0.16-28";
    private static final String POD_HANDLE = "k8s-pod-network.4f2a";
    private static final ObjectMapper JSON = new ObjectMapper();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() throws IOException {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
        f.pool("p", "10.65.0.0/16", 28);
        f.node("node-1", Map.of());
        // What v3.18 leaves in etcd for node-1: the block, its confirmed affinity and the handles of its addresses.
        f.kv.put(BLOCK_KEY, golden("block-ipv4.json"));
        f.kv.put("/calico/ipam/v2/host/node-1/ipv4/block/10.65.0.16-28",
                "{\"state\":\"confirmed\",\"deleted\":false}".getBytes(StandardCharsets.UTF_8));
        f.kv.put(IpamKeys.handle(POD_HANDLE), "{\"block\":{\"10.65.0.16/28\":1},\"deleted\":false}".getBytes());
        f.kv.put(IpamKeys.handle("vxlan-tunnel-addr-node-1"),
                "{\"block\":{\"10.65.0.16/28\":2},\"deleted\":false}".getBytes());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void releaseByHandleFreesTheHandlesAddressesOnly() throws IOException {
        assertEquals(List.of(IpAddress.parse("10.65.0.18")), ipam.releaseByHandle(POD_HANDLE));
        JsonNode block = storedBlock();
        assertEquals("[null,null,null,null,null,null,null,null,null,null,0,0,null,null,null,null]",
                block.get("allocations").toString(), "the tunnel's attribute is renumbered to 0, as Calico compacts");
        assertEquals("[4,5,6,7,8,9,12,13,14,15,0,1,3,2]", block.get("unallocated").toString());
        assertEquals("vxlan-tunnel-addr-node-1", block.get("attributes").get(0).get("handle_id").asText());
        assertTrue(f.raw(IpamKeys.handle(POD_HANDLE)).isEmpty(), "the emptied handle is deleted");
    }

    @Test
    void releaseByAddressWithTheHandleGuardWorksWithoutSequenceNumbers() throws IOException {
        // v3.18 has no sequence numbers; the guard is the handle, which v3.18's JSON carries.
        ReleaseResult r = ipam.releaseIps(List.of(new ReleaseRequest(IpAddress.parse("10.65.0.26"), "vxlan-tunnel-addr-node-1")));
        assertEquals(List.of(IpAddress.parse("10.65.0.26")), r.released());
        assertEquals("{\"block\":{\"10.65.0.16/28\":1},\"deleted\":false}",
                f.raw(IpamKeys.handle("vxlan-tunnel-addr-node-1")).orElseThrow());
        storedBlock();
    }

    @Test
    void assignmentUsesTheFreeListOrderV318Left() throws IOException {
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4("node-1", "k8s-pod-network.new", 1)).ipv4().get(0);
        assertEquals(Cidr.parse("10.65.0.16/28"), a.block(), "node-1's affine block is used first");
        assertEquals(IpAddress.parse("10.65.0.20"), a.address(), "the head of unallocated (ordinal 4) is handed out");
        JsonNode block = storedBlock();
        assertEquals("[5,6,7,8,9,12,13,14,15,0,1,3]", block.get("unallocated").toString());
        assertEquals("{\"handle_id\":\"k8s-pod-network.new\",\"secondary\":{\"node\":\"node-1\"}}",
                block.get("attributes").get(2).toString());
    }

    /** The block as stored now, checked to carry v3.18's fields and nothing else. */
    private JsonNode storedBlock() throws IOException {
        JsonNode n = JSON.readTree(f.raw(BLOCK_KEY).orElseThrow());
        List<String> fields = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(fields::add);
        assertEquals(V318_BLOCK_FIELDS, fields, "a v3.18 reader must find exactly its own fields: " + n);
        return n;
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = V318DataTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        }
    }
}
