package dev.tabby.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.ipam.model.AffinityState;
import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.BlockAffinity;
import dev.tabby.ipam.model.IpamConfig;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.ipam.model.IpamKeys;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** IPAM behaviour against a real etcd, checked through the keys and values Calico would read. */
class IpamTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    IpamFixture f;
    Ipam ipam;

    @BeforeEach
    void setUp() {
        f = new IpamFixture(ETCD);
        ipam = new Ipam(f.kv);
        // Calico assigns automatically only to nodes with a Node resource (unknownNodesAreRefused).
        f.node("n1", Map.of());
        f.node("n2", Map.of());
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private AssignedAddress one(String node, String handle) {
        return ipam.autoAssign(AutoAssignRequest.ipv4(node, handle, 1)).ipv4().get(0);
    }

    @Test
    void firstAssignmentClaimsAnAffineBlock() {
        f.pool("p", "10.0.0.0/24", 26);
        f.node("n1", Map.of());
        AssignedAddress a = one("n1", "h1");
        Cidr block = a.block();
        assertTrue(Cidr.parse("10.0.0.0/24").contains(block.address()));
        assertEquals(26, block.prefixLength());

        AllocationBlock stored = f.block(block.toString()).orElseThrow();
        assertEquals("host:n1", stored.affinity().orElseThrow());
        assertEquals("h1", stored.handleAt(stored.ordinalOf(a.address())).orElseThrow());
        assertEquals("{\"state\":\"confirmed\",\"deleted\":false}",
                f.raw("/calico/ipam/v2/host/n1/ipv4/block/" + IpamKeys.keyPart(block)).orElseThrow());
        assertEquals("{\"block\":{\"" + block + "\":1},\"deleted\":false}", f.raw("/calico/ipam/v2/handle/h1").orElseThrow());
        assertEquals(Map.of("node", "n1"), ipam.getAssignmentAttributes(a.address()).orElseThrow().attributes());

        AssignedAddress b = one("n1", "h2");
        assertEquals(block, b.block(), "the node keeps using its block");
    }

    @Test
    void aFullBlockMakesTheNodeClaimAnother() {
        f.pool("p", "10.0.0.0/24", 30); // 4 addresses per block
        List<AssignedAddress> got = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h", 6)).ipv4();
        assertEquals(6, got.size());
        Set<Cidr> blocks = new HashSet<>();
        got.forEach(a -> blocks.add(a.block()));
        assertEquals(2, blocks.size());
        assertEquals(2, f.dump("/calico/ipam/v2/host/n1/").size());
        assertEquals("{\"block\":{" + String.join(",", blocks.stream().sorted(java.util.Comparator.comparing(Cidr::toString))
                .map(c -> "\"" + c + "\":" + got.stream().filter(a -> a.block().equals(c)).count()).toList())
                + "},\"deleted\":false}", f.raw("/calico/ipam/v2/handle/h").orElseThrow());
    }

    @Test
    void borrowsFromAnotherNodesBlockUnlessStrictAffinity() {
        f.pool("p", "10.0.0.0/29", 30); // two blocks of four
        AssignedAddress n1 = one("n1", "n1-a");
        ipam.autoAssign(AutoAssignRequest.ipv4("n2", "n2-a", 4)); // n2 fills the other block
        AssignedAddress borrowed = one("n2", "n2-b");
        assertEquals(n1.block(), borrowed.block(), "n2 borrows from n1's block");
        Assignment attrs = ipam.getAssignmentAttributes(borrowed.address()).orElseThrow();
        assertTrue(attrs.borrowed());
        assertEquals("n1", attrs.blockNode().orElseThrow());
        assertEquals("host:n1", f.block(n1.block().toString()).orElseThrow().affinity().orElseThrow(),
                "borrowing does not move the block");

        ipam.setConfig(IpamConfig.DEFAULT.withStrictAffinity(true));
        assertEquals("{\"strict_affinity\":true,\"auto_allocate_blocks\":true}", f.raw("/calico/ipam/v2/config").orElseThrow());
        Map<String, String> before = f.dump("/calico/ipam/");
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class, () -> one("n2", "n2-c"));
        assertEquals("no free IPv4 address in pools 10.0.0.0/29 for node n2 (all 2 blocks allocated, strictAffinity on)",
                e.getMessage());
        assertEquals(before, f.dump("/calico/ipam/"), "a refused request leaves nothing behind");
    }

    @Test
    void disabledPoolsAreNotUsed() {
        f.pool("a-disabled", "10.1.0.0/24", 26, true, null);
        NoPoolException none = assertThrows(NoPoolException.class, () -> one("n1", "h"));
        assertEquals("no enabled IPv4 IP pool selects node n1: 10.1.0.0/24 is disabled", none.getMessage());
        f.pool("b-enabled", "10.2.0.0/24", 26);
        assertTrue(Cidr.parse("10.2.0.0/24").contains(one("n1", "h").address()));
    }

    @Test
    void nodeSelectorPicksThePoolFromTheNodesLabels() {
        f.pool("zone-a", "10.1.0.0/24", 26, false, "zone == \"a\"");
        f.pool("zone-b", "10.2.0.0/24", 26, false, "zone == \"b\"");
        f.node("n1", Map.of("zone", "b"));
        assertTrue(Cidr.parse("10.2.0.0/24").contains(one("n1", "h1").address()));

        NoPoolException unlabelled = assertThrows(NoPoolException.class, () -> one("n2", "h2"));
        assertTrue(unlabelled.getMessage().contains("10.1.0.0/24 has nodeSelector zone == \"a\", which does not match"),
                unlabelled.getMessage());
        f.pool("everyone", "10.3.0.0/24", 26);
        assertTrue(Cidr.parse("10.3.0.0/24").contains(one("n2", "h2").address()), "a node without labels gets all() pools");

        // An explicitly requested pool is used as asked, as Calico does.
        AutoAssignRequest explicit = AutoAssignRequest.ipv4("n1", "h3", 1).withPools(List.of(Cidr.parse("10.1.0.0/24")), List.of());
        assertTrue(Cidr.parse("10.1.0.0/24").contains(ipam.autoAssign(explicit).ipv4().get(0).address()));
        AutoAssignRequest unknown = AutoAssignRequest.ipv4("n1", "h4", 1).withPools(List.of(Cidr.parse("10.9.0.0/24")), List.of());
        assertThrows(NoPoolException.class, () -> ipam.autoAssign(unknown));
    }

    @Test
    void ipv6UsesSlash122BlocksAndDualStackRequestsGetBoth() {
        f.pool("v4", "10.0.0.0/24", null, false, null);
        f.pool("v6", "fd00:10::/120", null, false, null);
        AutoAssignResult r = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "dual", 1).withCounts(1, 2));
        assertEquals(1, r.ipv4().size());
        assertEquals(2, r.ipv6().size());
        Cidr v6Block = r.ipv6().get(0).block();
        assertEquals(122, v6Block.prefixLength());
        assertEquals(26, r.ipv4().get(0).block().prefixLength());
        String key = "/calico/ipam/v2/assignment/ipv6/block/" + v6Block.address() + "-122";
        assertTrue(f.raw(key).orElseThrow().startsWith("{\"cidr\":\"" + v6Block + "\",\"affinity\":\"host:n1\""));
        assertTrue(f.raw("/calico/ipam/v2/host/n1/ipv6/block/" + v6Block.address() + "-122").isPresent());
        assertEquals(3, ipam.releaseByHandle("dual").size());
        assertTrue(f.raw("/calico/ipam/v2/handle/dual").isEmpty());
    }

    @Test
    void assignsAGivenAddressOnlyWhenFreeAndInsideAPool() {
        f.pool("p", "10.0.0.0/24", 26);
        IpAddress ip = IpAddress.parse("10.0.0.70");
        AssignedAddress a = ipam.assignIp(ip, "fixed", Map.of("pod", "x"), "n1");
        assertEquals(Cidr.parse("10.0.0.64/26"), a.block());
        assertEquals("host:n1", f.block("10.0.0.64/26").orElseThrow().affinity().orElseThrow(), "the block is claimed for n1");

        AddressInUseException taken = assertThrows(AddressInUseException.class, () -> ipam.assignIp(ip, "other", null, "n2"));
        assertEquals("10.0.0.70 is already allocated to handle fixed; release it first or ask for another address",
                taken.getMessage());
        AddressNotInPoolException outside = assertThrows(AddressNotInPoolException.class,
                () -> ipam.assignIp(IpAddress.parse("10.9.9.9"), "h", null, "n1"));
        assertEquals("10.9.9.9 is not in any enabled IP pool (pools: 10.0.0.0/24); pick an address inside one",
                outside.getMessage());

        ipam.setConfig(IpamConfig.DEFAULT.withStrictAffinity(true));
        assertThrows(AffinityConflictException.class, () -> ipam.assignIp(IpAddress.parse("10.0.0.71"), "h", null, "n2"));
    }

    @Test
    void releasesByAddressAndByHandle() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress a = one("n1", "ha");
        List<AssignedAddress> two = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "hb", 2)).ipv4();

        ReleaseResult r = ipam.releaseIps(List.of(ReleaseRequest.of(a.address()), ReleaseRequest.of("10.200.0.1")));
        assertEquals(List.of(a.address()), r.released());
        assertEquals(List.of(IpAddress.parse("10.200.0.1")), r.notAllocated());
        assertTrue(f.raw("/calico/ipam/v2/handle/ha").isEmpty(), "a handle with nothing left is deleted");
        assertTrue(ipam.getAssignmentAttributes(a.address()).isEmpty());

        assertEquals(List.of(two.get(0).address(), two.get(1).address()), ipam.releaseByHandle("hb"));
        assertEquals(List.of(), ipam.releaseByHandle("hb"), "releasing a handle twice is harmless");
        AllocationBlock block = f.block(a.block().toString()).orElseThrow();
        assertTrue(block.isEmpty());
        assertEquals("host:n1", block.affinity().orElseThrow(), "an empty block stays with its node");
        assertEquals(List.of(0, 1, 2), block.unallocated().subList(61, 64),
                "released addresses queue at the back of the free list");
    }

    @Test
    void staleReleaseOfAReusedAddressIsRefused() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress first = one("n1", "old");
        ipam.releaseIps(List.of(first.toRelease()));
        AssignedAddress again = ipam.assignIp(first.address(), "new", null, "n1");

        StaleReleaseException stale = assertThrows(StaleReleaseException.class,
                () -> ipam.releaseIps(List.of(first.toRelease())));
        assertTrue(stale.getMessage().startsWith("release of " + first.address()
                + " expects handle old but the address belongs to handle new"), stale.getMessage());
        assertEquals("new", ipam.getAssignmentAttributes(first.address()).orElseThrow().handle(), "the new owner keeps it");

        assertEquals(List.of(first.address()), ipam.releaseIps(List.of(again.toRelease())).released());
    }

    @Test
    void aHandleCanHoldSeveralAddressesAndBeReused() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress a = one("n1", "shared");
        AssignedAddress b = one("n1", "shared");
        assertEquals(2, ipam.addressesOf("shared").size());
        assertEquals("{\"block\":{\"" + a.block() + "\":2},\"deleted\":false}", f.raw("/calico/ipam/v2/handle/shared").orElseThrow());
        assertEquals(Set.of(a.address(), b.address()), new HashSet<>(ipam.releaseByHandle("shared")));
        AssignedAddress c = one("n1", "shared");
        assertEquals(List.of(c), ipam.addressesOf("shared"));
    }

    @Test
    void aRequestThatCannotBeMetLeavesNothingAllocated() {
        f.pool("p", "10.0.0.0/30", 30);
        ipam.autoAssign(AutoAssignRequest.ipv4("n1", "three", 3));
        Map<String, String> before = f.dump("/calico/ipam/");
        PoolExhaustedException e = assertThrows(PoolExhaustedException.class,
                () -> ipam.autoAssign(AutoAssignRequest.ipv4("n1", "two", 2)));
        assertTrue(e.getMessage().endsWith("(got 1 of 2, released again)"), e.getMessage());
        Map<String, String> after = f.dump("/calico/ipam/");
        assertEquals(before.keySet(), after.keySet());
        assertEquals(3, f.block("10.0.0.0/30").orElseThrow().allocatedCount());
    }

    @Test
    void aClaimInterruptedAfterThePendingAffinityIsCompletedByTheNextAssignment() {
        f.pool("p", "10.0.0.0/30", 30);
        Cidr block = Cidr.parse("10.0.0.0/30");
        // The crash: pending affinity written, block never created.
        f.kv.create(IpamKeys.affinity("n1", block), IpamJson.encode(BlockAffinity.of(AffinityState.PENDING)));
        assertEquals(block, one("n1", "h").block());
        assertEquals("{\"state\":\"confirmed\",\"deleted\":false}", f.raw(IpamKeys.affinity("n1", block)).orElseThrow());
    }

    @Test
    void aClaimInterruptedBeforeConfirmationIsConfirmedByTheNextAssignment() {
        f.pool("p", "10.0.0.0/29", 30);
        Cidr block = Cidr.parse("10.0.0.4/30");
        f.kv.create(IpamKeys.affinity("n1", block), IpamJson.encode(BlockAffinity.of(AffinityState.PENDING)));
        f.kv.create(IpamKeys.block(block), IpamJson.encode(AllocationBlock.create(block, "n1")));
        assertEquals(block, one("n1", "h").block());
        assertEquals("{\"state\":\"confirmed\",\"deleted\":false}", f.raw(IpamKeys.affinity("n1", block)).orElseThrow());
    }

    @Test
    void aStaleAffinityToAnotherNodesBlockIsDropped() {
        f.pool("p", "10.0.0.0/29", 30);
        Cidr theirs = Cidr.parse("10.0.0.0/30");
        f.kv.create(IpamKeys.block(theirs), IpamJson.encode(AllocationBlock.create(theirs, "n2")));
        f.kv.create(IpamKeys.affinity("n1", theirs), IpamJson.encode(BlockAffinity.of(AffinityState.CONFIRMED)));
        AssignedAddress a = one("n1", "h");
        assertEquals(Cidr.parse("10.0.0.4/30"), a.block());
        assertTrue(f.raw(IpamKeys.affinity("n1", theirs)).isEmpty());
    }

    @Test
    void claimingAndReleasingAffinities() {
        f.pool("p", "10.0.0.0/24", 26);
        ClaimResult claimed = ipam.claimAffinity("n1", Cidr.parse("10.0.0.0/25"));
        assertEquals(List.of(Cidr.parse("10.0.0.0/26"), Cidr.parse("10.0.0.64/26")), claimed.claimed());
        ClaimResult contested = ipam.claimAffinity("n2", Cidr.parse("10.0.0.64/26"));
        assertEquals(List.of(Cidr.parse("10.0.0.64/26")), contested.failed());
        assertTrue(f.dump("/calico/ipam/v2/host/n2/").isEmpty(), "the loser's pending affinity is cleaned up");

        AssignedAddress held = ipam.assignIp(IpAddress.parse("10.0.0.65"), "h", null, "n1");
        assertEquals(List.of(Cidr.parse("10.0.0.0/26"), Cidr.parse("10.0.0.64/26")),
                ipam.releaseAffinity("n1", Cidr.parse("10.0.0.0/24")));
        assertTrue(f.block("10.0.0.0/26").isEmpty(), "an empty block goes with its affinity");
        AllocationBlock kept = f.block("10.0.0.64/26").orElseThrow();
        assertTrue(kept.affinity().isEmpty());
        assertTrue(kept.isAllocated(kept.ordinalOf(held.address())), "addresses in use stay allocated");
        assertTrue(f.dump("/calico/ipam/v2/host/").isEmpty());
        ipam.releaseIps(List.of(held.toRelease()));
        assertTrue(f.block("10.0.0.64/26").isEmpty(), "a block with no node and no addresses is deleted");
    }

    @Test
    void anInterruptedReleaseIsCompletedByTheNextAssignment() {
        f.pool("p", "10.0.0.0/29", 30);
        Cidr x = Cidr.parse("10.0.0.0/30");
        Cidr y = Cidr.parse("10.0.0.4/30");
        assertEquals(List.of(x, y), ipam.claimAffinity("n1", Cidr.parse("10.0.0.0/29")).claimed());
        // The crash: the release marked x's affinity pendingDeletion and stopped.
        f.kv.put(IpamKeys.affinity("n1", x), IpamJson.encode(BlockAffinity.of(AffinityState.PENDING_DELETION)));
        assertEquals(y, one("n1", "h").block(), "a block being released is not used");
        assertTrue(f.raw(IpamKeys.affinity("n1", x)).isEmpty(), "the release was completed");
        assertTrue(f.block(x.toString()).isEmpty(), "its empty block is gone");
    }

    @Test
    void tunnelAddressesUseCalicosHandles() {
        f.pool("p", "10.0.0.0/24", 26);
        AssignedAddress vxlan = ipam.assignTunnelAddress("n1", TunnelAddressType.VXLAN, List.of());
        assertEquals("vxlan-tunnel-addr-n1", vxlan.handle());
        assertEquals(Map.of("node", "n1", "type", "vxlanTunnelAddress"),
                ipam.getAssignmentAttributes(vxlan.address()).orElseThrow().attributes());
        assertEquals(vxlan, ipam.assignTunnelAddress("n1", TunnelAddressType.VXLAN, List.of()), "asking again returns the same");
        AssignedAddress ipip = ipam.assignTunnelAddress("n1", TunnelAddressType.IPIP, List.of());
        assertEquals("ipip-tunnel-addr-n1", ipip.handle());
        assertEquals(List.of(vxlan.address()), ipam.releaseTunnelAddress("n1", TunnelAddressType.VXLAN));
    }

    @Test
    void maxBlocksPerHostLimitsClaims() {
        f.pool("p", "10.0.0.0/24", 30);
        ipam.autoAssign(AutoAssignRequest.ipv4("n2", "other", 1)); // n2's block has room to borrow from
        // Written as another tool might: Tabby's setConfig would insist on strictAffinity with a limit.
        f.kv.put(IpamKeys.CONFIG, "{\"auto_allocate_blocks\":true,\"maxBlocksPerHost\":1}".getBytes());
        ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h", 4));
        Map<String, String> before = f.dump("/calico/ipam/");
        // Calico's findOrClaimBlock returns ErrBlockLimit before autoAssign reaches its borrowing step.
        BlockLimitException e = assertThrows(BlockLimitException.class,
                () -> ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h2", 1)));
        assertEquals("cannot allocate new block due to per host block limit: node n1 holds 1 IPv4 blocks, "
                + "maxBlocksPerHost is 1 (got 0 of 1, released again)", e.getMessage());
        assertEquals(before, f.dump("/calico/ipam/"), "nothing borrowed, nothing claimed");
    }

    @Test
    void withoutAutoAllocateBlocksANodeUsesOnlyTheBlocksItHolds() {
        f.pool("p", "10.0.0.0/24", 30);
        ipam.claimAffinity("n1", Cidr.parse("10.0.0.0/30"));
        ipam.autoAssign(AutoAssignRequest.ipv4("n2", "n2-block", 1)); // a block with room that n1 could borrow from
        // Neither strictAffinity nor autoAllocateBlocks, as another tool might write it: still no borrowing.
        f.kv.put(IpamKeys.CONFIG, "{}".getBytes());
        List<AssignedAddress> got = ipam.autoAssign(AutoAssignRequest.ipv4("n1", "h", 4)).ipv4();
        assertTrue(got.stream().allMatch(a -> a.block().equals(Cidr.parse("10.0.0.0/30"))), "the claimed block serves");
        Map<String, String> before = f.dump("/calico/ipam/");
        BlockLimitException e = assertThrows(BlockLimitException.class, () -> one("n1", "h5"));
        assertTrue(e.getMessage().startsWith("failed to find or claim a block: node n1's IPv4 blocks are full and "
                + "autoAllocateBlocks is off"), e.getMessage());
        assertEquals(before, f.dump("/calico/ipam/"));
    }

    @Test
    void unknownNodesAreRefused() {
        f.pool("p", "10.0.0.0/24", 26);
        UnknownNodeException e = assertThrows(UnknownNodeException.class, () -> one("ghost", "h"));
        assertEquals("node ghost has no Node resource, so IPAM cannot choose its pools; register the node first "
                + "(tabbyctl node register, or create the Node)", e.getMessage());
        assertTrue(f.dump("/calico/ipam/").isEmpty(), "nothing claimed for a name no Node carries");
        // A given address needs no Node, as Calico's AssignIP reads none.
        ipam.assignIp(IpAddress.parse("10.0.0.9"), "fixed", null, "ghost");
    }
}
