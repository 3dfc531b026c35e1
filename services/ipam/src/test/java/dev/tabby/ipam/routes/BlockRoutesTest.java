package dev.tabby.ipam.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.ipam.model.AllocationBlock;
import dev.tabby.ipam.model.IpamJson;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Blocks as libcalico-go v3.18 stores them (lib/backend/model/block.go: cidr, affinity "host:&lt;node&gt;",
 * allocations of attribute index or null, unallocated, attributes of handle_id and secondary, deleted) into the routes
 * Felix's calc/l3_route_resolver.go {@code v4RoutesFromBlock} derives from them.
 */
class BlockRoutesTest {
    static final Cidr BLOCK = Cidr.parse("192.168.0.0/30");

    /**
     * node-1's block as calico-ipam leaves it: .0 its own pod, .1 a pod of node-2 that borrowed it, .2 free, .3 its
     * VXLAN tunnel address. The attribute layout is libcalico-go's (calico-ipam's namespace/node/pod/timestamp).
     */
    static final String CALICO_BLOCK = """
            {"cidr":"192.168.0.0/30","affinity":"host:node-1","allocations":[0,1,null,2],"unallocated":[2],
             "attributes":[
              {"handle_id":"k8s-pod-network.5f1c2e","secondary":{"namespace":"default","node":"node-1","pod":"web-0",
               "timestamp":"2021-03-01 10:00:00.1 +0000 UTC"}},
              {"handle_id":"k8s-pod-network.9a8b7c","secondary":{"namespace":"default","node":"node-2","pod":"web-1",
               "timestamp":"2021-03-01 10:00:01.2 +0000 UTC"}},
              {"handle_id":"vxlan-tunnel-addr-node-1","secondary":{"node":"node-1","type":"vxlanTunnelAddress"}}],
             "deleted":false}""";

    static RoutableBlock read(String json) throws IOException {
        return RoutableBlock.read(json.getBytes(StandardCharsets.UTF_8), BLOCK).orElseThrow();
    }

    static NodeRoute route(String dst, String node) {
        return new NodeRoute(Cidr.parse(dst), node);
    }

    @Test
    void anAffineBlockRoutesToItsHostAndEachBorrowedAddressToItsOwnNode() throws IOException {
        RoutableBlock b = read(CALICO_BLOCK);
        assertEquals("node-1", b.host());
        assertEquals(List.of(new BorrowedAddress(IpAddress.parse("192.168.0.1"), "node-2")), b.borrowed());
        assertEquals(List.of(route("192.168.0.1/32", "node-2"), route("192.168.0.0/30", "node-1")), BlockRoutes.of(b));
    }

    @Test
    void aBlockWithNoAffinityRoutesEveryAllocationAndNotItself() throws IOException {
        String json = """
                {"cidr":"192.168.0.0/30","affinity":null,"allocations":[null,0,1,null],"unallocated":[0,3],
                 "attributes":[{"handle_id":"h1","secondary":{"node":"node-1"}},
                               {"handle_id":"h2","secondary":{"node":"node-3"}}],"deleted":false}""";
        assertEquals(List.of(route("192.168.0.1/32", "node-1"), route("192.168.0.2/32", "node-3")),
                BlockRoutes.of(read(json)));
    }

    @Test
    void anAllocationWithNoRecordedNodeGetsNoRouteButIsReported() throws IOException {
        // Calico's own data-model example: attributes with no node (docs/data-model.md, "Allocation Block").
        String json = """
                {"cidr":"192.168.0.0/30","affinity":"host:calico-host-01","allocations":[0,1,null,5],
                 "attributes":[{"primary":"0cd47986","secondary":{"container-id":"ba11f1de","email":"spike@x"}},
                               {"handle_id":null,"secondary":null}]}""";
        RoutableBlock b = read(json);
        // Ordinal 3 names attribute 5, which is missing: skipped, as libcalico-go does.
        assertEquals(List.of(IpAddress.parse("192.168.0.0"), IpAddress.parse("192.168.0.1")), b.unrecorded());
        assertEquals(List.of(route("192.168.0.0/30", "calico-host-01")), BlockRoutes.of(b));
    }

    @Test
    void aDeletedBlockRoutesNothingAndThePreV3HostAffinityCounts() throws IOException {
        assertTrue(RoutableBlock.read("{\"cidr\":\"192.168.0.0/30\",\"deleted\":true}".getBytes(StandardCharsets.UTF_8),
                BLOCK).isEmpty());
        RoutableBlock legacy = read("{\"cidr\":\"192.168.0.0/30\",\"hostAffinity\":\"old-node\",\"allocations\":[]}");
        assertEquals(List.of(route("192.168.0.0/30", "old-node")), BlockRoutes.of(legacy));
    }

    @Test
    void theKeysBlockStandsInForAMissingCidrAndGarbageIsAnError() throws IOException {
        RoutableBlock b = RoutableBlock.read("{\"affinity\":\"host:n\"}".getBytes(StandardCharsets.UTF_8), BLOCK)
                .orElseThrow();
        assertEquals(BLOCK, b.cidr());
        assertThrows(IOException.class, () -> RoutableBlock.read("[1]".getBytes(StandardCharsets.UTF_8), BLOCK));
        assertThrows(IOException.class, () -> RoutableBlock.read("{\"cidr\":\"x\"}".getBytes(StandardCharsets.UTF_8), BLOCK));
    }

    @Test
    void ipv6BlocksGiveNoRoutesAsInFelix() throws IOException {
        RoutableBlock b = RoutableBlock.read("{\"cidr\":\"fd00::/126\",\"affinity\":\"host:n\"}"
                .getBytes(StandardCharsets.UTF_8), null).orElseThrow();
        assertEquals(List.of(), BlockRoutes.of(b));
    }

    @Test
    void tabbysOwnBlockJsonReadsTheSameAsTheFullDecoder() throws IOException {
        AllocationBlock block = AllocationBlock.create(Cidr.parse("10.65.0.0/26"), "node-a");
        block.assign(0, "wl-a", Map.of("node", "node-a"));
        block.assign(7, "wl-b", Map.of("node", "node-b", "pod", "p"));
        byte[] json = IpamJson.encode(block);
        RoutableBlock b = RoutableBlock.read(json, null).orElseThrow();
        assertEquals(List.of(route("10.65.0.7/32", "node-b"), route("10.65.0.0/26", "node-a")), BlockRoutes.of(b));
    }
}
