package dev.tabby.ipam.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.model.v3.ObjectMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The walk both overlays share: Felix's calc/l3_route_resolver.go (release-v3.18) resolves a route per block and per
 * borrowed address ({@code v4RoutesFromBlock}); its route trie walks the entries containing a destination from the
 * outside in, so the innermost pool's type is the one the route keeps; a /32 that is a node's tunnel address is typed
 * REMOTE_TUNNEL, which the overlays do not program.
 */
class PoolRoutesTest {
    static final String ME = "node-1";

    static IPPool pool(String name, String cidr, String ipipMode) {
        return (IPPool) ResourceCodec.read("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: " + name
                + "\nspec:\n  cidr: " + cidr + "\n  ipipMode: " + ipipMode + "\n").resources().get(0);
    }

    static RoutableBlock block(String cidr, String host, BorrowedAddress... borrowed) {
        return new RoutableBlock(Cidr.parse(cidr), host, Arrays.asList(borrowed));
    }

    static BorrowedAddress lent(String ip, String node) {
        return new BorrowedAddress(IpAddress.parse(ip), node);
    }

    static PoolRoutes walk(Collection<IPPool> pools, Collection<RoutableBlock> blocks, String... tunnels) {
        Set<IpAddress> t = Set.copyOf(Arrays.stream(tunnels).map(IpAddress::parse).toList());
        return PoolRoutes.compute(ME, pools, blocks, t);
    }

    /** "destination node pool", for whole-list comparisons that read well when they fail. */
    static List<String> described(PoolRoutes r) {
        return r.routes().stream().map(p -> p.destination() + " " + p.node() + " " + p.pool().name()).toList();
    }

    @Test
    void theMostSpecificPoolHoldingABlockIsItsPool() {
        IPPool wide = pool("wide", "10.65.0.0/16", "Always");
        IPPool narrow = pool("narrow", "10.65.4.0/24", "CrossSubnet");
        List<RoutableBlock> blocks = List.of(block("10.65.4.0/26", "node-2"), block("10.65.5.0/26", "node-3"),
                block("10.99.0.0/26", "node-4"));
        PoolRoutes r = walk(List.of(wide, narrow), blocks);
        // Whatever order the pools come in.
        assertEquals(List.of("10.65.4.0/26 node-2 narrow", "10.65.5.0/26 node-3 wide"), described(r));
        assertEquals(described(r), described(walk(List.of(narrow, wide), blocks)));
        // A block in no given pool is another overlay's (or BGP's): no route, no problem.
        assertTrue(r.problems().isEmpty(), r.problems().toString());
    }

    @Test
    void routesAreInAddressOrderWithBorrowedAddressesAsSlash32s() {
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        PoolRoutes r = walk(List.of(p), List.of(
                block("10.65.3.0/26", "node-3"),
                block("10.65.2.0/26", "node-2", lent("10.65.2.9", "node-3"), lent("10.65.2.3", "node-4")),
                block("10.65.10.0/26", "node-4")));
        assertEquals(List.of("10.65.2.0/26 node-2 p", "10.65.2.3/32 node-4 p", "10.65.2.9/32 node-3 p",
                "10.65.3.0/26 node-3 p", "10.65.10.0/26 node-4 p"), described(r));
    }

    @Test
    void whenTwoBlocksClaimOneSlash32TheLowerBlockInAddressOrderWinsWhateverTheInputOrder() {
        // Corrupt IPAM: overlapping blocks both hold 10.65.1.5, for different nodes.
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        RoutableBlock first = block("10.65.1.0/26", "node-2", lent("10.65.1.5", "node-3"));
        RoutableBlock second = block("10.65.1.5/32", null, lent("10.65.1.5", "node-4"));
        List<String> expected = List.of("10.65.1.0/26 node-2 p", "10.65.1.5/32 node-3 p");
        assertEquals(expected, described(walk(List.of(p), List.of(first, second))));
        assertEquals(expected, described(walk(List.of(p), List.of(second, first))));

        // Same address, longer prefix: the shorter one sorts first.
        RoutableBlock narrow = block("10.65.1.0/28", "node-5", lent("10.65.1.5", "node-4"));
        List<String> both = described(walk(List.of(p), List.of(narrow, first)));
        assertTrue(both.contains("10.65.1.5/32 node-3 p"), both.toString());
        assertEquals(both, described(walk(List.of(p), List.of(first, narrow))));
    }

    @Test
    void routesToThisNodeAndToTunnelAddressesAreDropped() {
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        PoolRoutes r = walk(List.of(p), List.of(
                block("10.65.2.0/26", "node-2", lent("10.65.2.3", ME), lent("10.65.2.4", "node-4"),
                        lent("10.65.2.5", "node-4")),
                block("10.65.7.7/32", "node-3")),
                "10.65.2.4", "10.65.7.7");
        // .3 is ours (the CNI routes it); .4 and the /32 block are tunnel addresses (REMOTE_TUNNEL).
        assertEquals(List.of("10.65.2.0/26 node-2 p", "10.65.2.5/32 node-4 p"), described(r));
    }

    @Test
    void unrecordedAllocationsAreReportedWithTheirBlockAndARemedy() {
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        PoolRoutes r = walk(List.of(p), List.of(
                block("10.65.2.0/26", "node-2", lent("10.65.2.7", ""), lent("10.65.2.8", "node-3")),
                // Outside the given pools: not ours to report.
                block("10.99.0.0/26", "node-2", lent("10.99.0.1", ""))));
        assertEquals(List.of("10.65.2.0/26 node-2 p", "10.65.2.8/32 node-3 p"), described(r));
        assertEquals(1, r.problems().size(), r.problems().toString());
        String problem = r.problems().get(0);
        assertTrue(problem.contains("10.65.2.0/26") && problem.contains("10.65.2.7") && problem.contains("release"),
                problem);
    }

    @Test
    void ownBlocksAreListedInAddressOrderOnlyForTheGivenPools() {
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        PoolRoutes r = walk(List.of(p), List.of(
                block("10.65.1.64/26", ME, lent("10.65.1.70", "node-2")),
                block("10.65.1.0/26", ME),
                block("10.65.1.128/32", ME),
                block("10.99.0.0/26", ME),
                block("10.65.2.0/26", "node-2")));
        // A /32 block is listed too: whether it gets a blackhole is the caller's call (bird_aggr.cfg.template).
        assertEquals(List.of(Cidr.parse("10.65.1.0/26"), Cidr.parse("10.65.1.64/26"), Cidr.parse("10.65.1.128/32")),
                r.ownBlocks());
        // Our block's lent address routes away to its holder.
        assertEquals(List.of("10.65.1.70/32 node-2 p", "10.65.2.0/26 node-2 p"), described(r));
    }

    @Test
    void ipv6BlocksAndUnparseablePoolsAreSkipped() {
        IPPool p = pool("p", "10.65.0.0/16", "Always");
        IPPool v6 = (IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: v6}
                spec: {cidr: "fd00:65::/48"}
                """).resources().get(0);
        IPPool broken = new IPPool(ObjectMeta.named("broken"),
                new IPPool.Spec("not-a-cidr", null, "Always", null, null, null, null));
        assertTrue(PoolRoutes.poolCidr(broken).isEmpty());
        assertEquals(Cidr.parse("10.65.0.0/16"), PoolRoutes.poolCidr(p).orElseThrow());
        List<RoutableBlock> blocks = new ArrayList<>(List.of(block("fd00:65::/122", "node-2", lent("fd00:65::5", "node-3")),
                block("10.65.2.0/26", "node-2")));
        PoolRoutes r = walk(List.of(broken, v6, p), blocks);
        assertEquals(List.of("10.65.2.0/26 node-2 p"), described(r));
        assertTrue(r.ownBlocks().isEmpty());
    }
}
