package dev.tabby.vxlan.manager;

import static dev.tabby.vxlan.testing.Resources.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.dataplane.fdb.FdbTable;
import dev.tabby.dataplane.neigh.NeighTable;
import dev.tabby.dataplane.route.IpFamilies;
import dev.tabby.dataplane.route.RouteTable;
import dev.tabby.ipam.routes.BorrowedAddress;
import dev.tabby.ipam.routes.RoutableBlock;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.netlink.MacAddress;
import dev.tabby.netlink.Route;
import dev.tabby.netlink.RouteProtocol;
import dev.tabby.vxlan.plan.DeviceSpec;
import dev.tabby.vxlan.plan.FelixSettings;
import dev.tabby.vxlan.plan.HostLink;
import dev.tabby.vxlan.plan.NodeFacts;
import dev.tabby.vxlan.plan.VxlanInputs;
import dev.tabby.vxlan.plan.VxlanPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The drivers want the same whether a plan is handed over whole or as the changes since the last one: random
 * sequences of datastore changes (nodes coming, going and moving their tunnel address, underlay or MAC, onto each
 * other's too; blocks changing hands and borrowing addresses; CrossSubnet and Always; the device recreated), each
 * planned by {@link VxlanPlan#compute}, are fed to two {@link DriverFeed}s, one given every plan whole, and the drivers'
 * desired FDB entries, ARP entries and routes compared after every step. The drivers write the kernel from their
 * desired state alone, so the same desired state is the same kernel state.
 */
class DriverFeedTest {
    static final String ME = "node-00";
    static final List<HostLink> LINKS = List.of(new HostLink(1, "lo", 65536, List.of(IpAddress.parse("127.0.0.1"))),
            new HostLink(2, "eth0", 1500, List.of(IpAddress.parse("10.0.1.1"))));

    /** Drivers with no kernel behind them: only their desired state is read. */
    record Drivers(FdbTable fdb, NeighTable arp, RouteTable routes, DriverFeed feed) {
        static Drivers create() {
            FdbTable fdb = new FdbTable(null, DeviceSpec.NAME);
            NeighTable arp = new NeighTable(null, DeviceSpec.NAME);
            RouteTable routes = new RouteTable(null, Route.MAIN_TABLE, RouteProtocol.VXLAN, IpFamilies.IPV4);
            return new Drivers(fdb, arp, routes, new DriverFeed(fdb, arp, routes));
        }
    }

    @Property(tries = 60)
    void changesLeaveTheDriversWantingWhatTheWholePlanAsks(@ForAll long seed) {
        Random random = new Random(seed);
        World world = new World(random);
        Drivers incremental = Drivers.create();
        Drivers whole = Drivers.create();
        int device = 7;
        int changesSeen = 0;
        for (int step = 0; step < 40; step++) {
            world.change();
            if (random.nextInt(15) == 0) {
                device++; // vxlan.calico made again: a new ifindex
            }
            if (random.nextInt(20) == 0) {
                incremental.feed().handOverAllNext(); // the periodic resync
            }
            VxlanPlan plan = world.plan();
            if (plan.state() != VxlanPlan.State.ACTIVE) {
                continue;
            }
            changesSeen += plan.vteps().size() + plan.routes().size();
            incremental.feed().handOver(plan, device);
            whole.feed().handOverAllNext();
            whole.feed().handOver(plan, device);
            String where = "seed " + seed + ", step " + step;
            assertEquals(whole.fdb().desiredEntries(), incremental.fdb().desiredEntries(), "FDB entries, " + where);
            assertEquals(whole.arp().desiredNeighbours(), incremental.arp().desiredNeighbours(), "ARP entries, " + where);
            assertEquals(whole.routes().desiredRoutes(), incremental.routes().desiredRoutes(), "routes, " + where);
        }
        assertTrue(changesSeen > 0, "the sequence never planned an active VXLAN with entries: seed " + seed);
    }

    /** The datastore as the plan reads it, changed at random within a small space, so that changes collide. */
    static final class World {
        final Random random;
        final List<IPPool> pools = new ArrayList<>();
        final Map<String, NodeFacts> nodes = new TreeMap<>();
        final Map<Cidr, RoutableBlock> blocks = new HashMap<>();

        World(Random random) {
            this.random = random;
            pools.add(pool("p", "10.65.0.0/16", "Always"));
            nodes.put(ME, node(ME, "10.0.1.1/24", 0, 0));
            for (int i = 0; i < 8; i++) {
                change();
            }
        }

        VxlanPlan plan() {
            return VxlanPlan.compute(new VxlanInputs(ME, pools, nodes, FelixSettings.DEFAULTS, blocks, LINKS));
        }

        void change() {
            String name = String.format("node-%02d", random.nextInt(8));
            switch (random.nextInt(7)) {
                case 0 -> nodes.remove(name.equals(ME) ? "node-01" : name);
                case 1, 2 -> {
                    if (!name.equals(ME)) {
                        // Few tunnel addresses and MACs: nodes often claim another's, which the plan settles by name.
                        String subnet = random.nextBoolean() ? "10.0.1." : "10.0.2.";
                        nodes.put(name, node(name, subnet + (10 + random.nextInt(5)) + "/24", random.nextInt(6),
                                random.nextInt(4)));
                    }
                }
                case 3 -> {
                    Cidr block = Cidr.parse("10.65." + random.nextInt(6) + ".0/26");
                    blocks.put(block, new RoutableBlock(block, name, borrowed(block)));
                }
                case 4 -> blocks.remove(Cidr.parse("10.65." + random.nextInt(6) + ".0/26"));
                case 5 -> {
                    pools.clear();
                    pools.add(pool("p", "10.65.0.0/16", random.nextInt(3) == 0 ? "CrossSubnet" : "Always"));
                }
                default -> {
                    Cidr block = Cidr.parse("10.65." + random.nextInt(6) + ".0/26");
                    blocks.put(block, new RoutableBlock(block, null, borrowed(block)));
                }
            }
        }

        List<BorrowedAddress> borrowed(Cidr block) {
            List<BorrowedAddress> out = new ArrayList<>();
            for (int i = random.nextInt(3); i > 0; i--) {
                IpAddress a = IpAddress.parse(block.address().toString().replaceAll("\\.0$", "." + (1 + random.nextInt(60))));
                if (out.stream().noneMatch(b -> b.address().equals(a))) {
                    out.add(new BorrowedAddress(a, String.format("node-%02d", random.nextInt(8))));
                }
            }
            return out;
        }

        /** Tunnel addresses 10.65.9.N and MACs ee:..:M from small ranges; 0 and 0 for this node. */
        static NodeFacts node(String name, String underlay, int tunnel, int mac) {
            return new NodeFacts(name, Cidr.parse(underlay), IpAddress.parse("10.65.9." + tunnel),
                    MacAddress.parse("ee:ee:ee:ee:ee:0" + mac), null);
        }
    }
}
