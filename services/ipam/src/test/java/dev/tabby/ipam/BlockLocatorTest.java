package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which block holds an address, as libcalico-go release-v3.18 lib/ipam finds it (GetAssignmentAttributes and
 * ReleaseIPs): from the enabled pool that holds it and that pool's block size; among the blocks' keys only for an
 * address outside every enabled pool. Against a real etcd.
 */
class BlockLocatorTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
        f.node("n1", Map.of());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private void replacePool(String name, String cidr, int blockSize, boolean disabled) {
        f.resources.delete(new ResourceId(Kind.IP_POOL, null, name), null);
        f.pool(name, cidr, blockSize, disabled, null);
    }

    @Test
    void anAddressInAnEnabledPoolIsInTheBlockOfThatPoolsSize() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h1", 1)).ipv4().get(0);
        assertEquals(a.block(), new BlockLocator(new IpamStore(f.kv)).blockOf(a.address()).orElseThrow());
        assertEquals(26, a.block().prefixLength());
        assertEquals("n1", ipam.getAssignmentAttributes(a.address()).orElseThrow().attributes().get("node"));
        assertEquals(List.of(a.address()), ipam.releaseIps(List.of(ReleaseRequest.of(a.address()))).released());
    }

    @Test
    void anAddressOutsideEveryEnabledPoolIsLookedForAmongTheBlocks() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h1", 1)).ipv4().get(0);
        replacePool("p", "10.0.0.0/24", 26, true); // disabled: getPoolForIP reads enabled pools only
        assertTrue(ipam.getAssignmentAttributes(a.address()).isPresent(), "found among the blocks' keys");
        ReleaseResult r = ipam.releaseIps(List.of(ReleaseRequest.of(a.address()), ReleaseRequest.of("10.9.0.1")));
        assertEquals(List.of(a.address()), r.released(), "ReleaseIPs' getBlockForIP fallback");
        assertEquals(List.of(IpAddress.parse("10.9.0.1")), r.notAllocated(), "in no pool and no block");
    }

    @Test
    void thePoolsBlockSizeIsTheSizeOfItsBlocks() {
        // What makes the block computed from the pool the right one: a pool made again over existing blocks of
        // another size is refused, as calicoctl refuses it ("IPPool blocksSize conflicts with existing allocations").
        f.pool("p", "10.0.0.0/24", 28);
        AssignedAddress a = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h1", 1)).ipv4().get(0);
        f.resources.delete(new ResourceId(Kind.IP_POOL, null, "p"), null);
        RuntimeException refused = assertThrows(RuntimeException.class, () -> f.pool("p", "10.0.0.0/24", 26, false, null));
        assertTrue(refused.getMessage().contains("conflicts with existing allocations"), refused.getMessage());
        f.pool("p", "10.0.0.0/24", 28, false, null);
        assertEquals(a.block(), new BlockLocator(new IpamStore(f.kv)).blockOf(a.address()).orElseThrow());
        assertEquals(List.of(a.address()), ipam.releaseIps(List.of(ReleaseRequest.of(a.address()))).released());
    }
}
