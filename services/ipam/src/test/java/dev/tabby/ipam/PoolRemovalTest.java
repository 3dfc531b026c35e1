package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.Kind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deleting a pool as libcalico-go release-v3.18 lib/clientv3/ippool.go Delete does. */
class PoolRemovalTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void thePoolsAffinitiesAreReleasedItsAddressesStayAndOtherPoolsAreUntouched() {
        f.pool("going", "10.0.0.0/24", 26, false, "!has(zone)");
        f.pool("staying", "10.1.0.0/24", 26, false, "zone == \"b\"");
        f.node("n1", Map.of());
        f.node("n2", Map.of("zone", "b"));
        AssignedAddress assigned = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h1", 1)).ipv4().get(0);
        IpAddress kept = assigned.address();
        String usedBlock = assigned.block().toString();
        String emptyBlock = usedBlock.equals("10.0.0.192/26") ? "10.0.0.0/26" : "10.0.0.192/26";
        IpAddress other = ipam.autoAssign(AutoAssignRequest.ipv4("n2", "h2", 1)).ipv4().get(0).address();
        assertTrue(other.toString().startsWith("10.1."), other.toString());
        // An empty block of the pool, claimed too.
        assertEquals(1, ipam.claimAffinity("n1", dev.tabby.model.net.Cidr.parse(emptyBlock)).claimed().size());

        PoolRemoval.Removed r = new PoolRemoval(f.kv, f.resources, ipam, Duration.ZERO).delete("going", null);

        assertEquals(2, r.affinitiesReleased().size(), r.toString());
        assertTrue(f.resources.get(new ResourceId(Kind.IP_POOL, null, "going")).isEmpty());
        assertTrue(f.kv.list("/calico/ipam/v2/host/n1/").entries().isEmpty(), "n1 holds no block of it");
        assertEquals(1, f.kv.list("/calico/ipam/v2/host/n2/").entries().size(), "n2 keeps its block of the other pool");
        assertTrue(ipam.getAssignmentAttributes(kept).isPresent(), "an address in use stays assigned");
        assertTrue(f.block(emptyBlock).isEmpty(), "the empty block is gone");
        assertTrue(f.block(usedBlock).orElseThrow().affinity().isEmpty(), "the used block stays, owned by no node");
    }
}
