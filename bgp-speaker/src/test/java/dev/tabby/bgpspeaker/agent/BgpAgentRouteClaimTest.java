package dev.tabby.bgpspeaker.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tabby.bgp.speaker.SocketSetup;
import dev.tabby.bgpspeaker.config.KernelInputs;
import dev.tabby.bgpspeaker.config.NodeBgpConfig;
import dev.tabby.datastore.KeyValueStore;
import dev.tabby.datastore.KvEntry;
import dev.tabby.datastore.status.RouteClaims;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole agent with its route claim: a real kernel (a namespace laid out like a node, {@code bgp0} holding
 * 10.0.0.1/24, as in {@code KernelRoutesKernelTest}), a real etcd. The agent's one kernel route is the blackhole of
 * its affine block, so "our routes are in the kernel" is {@code ip -n NS route show proto 83} listing it. The claim
 * must say programming only once that route is there, after every (re)take, and never on an apply with failures.
 *
 * <p>The speaker has no peers, so it converges when its settle time (30 s) has passed: this test takes that long.
 */
class BgpAgentRouteClaimTest {

    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static final String NODE = "claim-node";
    private static final String KEY = RouteClaims.of(NODE);
    private static final String BLOCK = "10.65.1.0/26";
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String WAITING = RouteClaims.value("bgp-speaker", RouteClaims.WAITING);
    private static final String PROGRAMMING = RouteClaims.value("bgp-speaker", RouteClaims.PROGRAMMING);

    /** This node's configuration, in sync from the start: no peers, one IP-in-IP-never pool, one affine block. */
    private static final class OneConfig implements ConfigSource {
        @Override
        public void start(Consumer<NodeBgpConfig> consumer) {
            KernelInputs kernel = new KernelInputs(
                    List.of(new KernelInputs.PoolInfo("pool", Cidr.parse("10.65.0.0/16"), "Never", "Never", false)),
                    List.of(Cidr.parse("10.0.0.0/24")),
                    List.of(new KernelInputs.AffineBlock(Cidr.parse(BLOCK), "confirmed")), List.of());
            consumer.accept(new NodeBgpConfig(NODE, "10.0.0.1", 64512, null, 0, "info", List.of(), List.of(),
                    List.of(), kernel, List.of(), "10.0.0.1", null));
        }

        @Override
        public boolean inSync() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void programmingOnlyOnceTheKernelHoldsOurRoutesAfterEachTakeAndNeverOnAFailedApply() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "kernel tests need root to make namespaces");
        TestNamespace ns = netns.create();
        ns.ip("link", "add", "bgp0", "type", "veth", "peer", "name", "bgp1");
        ns.ip("addr", "add", "10.0.0.1/24", "dev", "bgp0");
        ns.ip("link", "set", "bgp1", "up");
        ns.ip("link", "set", "bgp0", "up");

        try (KeyValueStore store = KeyValueStore.connect(ETCD.config())) {
            BgpAgent agent = new BgpAgent(ns.netlink(), SocketSetup.NONE, new OneConfig(), Duration.ofHours(1));
            RouteClaim claim = null;
            try {
                agent.start();
                claim = new RouteClaim(store, NODE, agent, TTL).start();
                await("the claim, waiting", () -> value(store).equals(Optional.of(WAITING)));
                assertEquals("", ourRoutes(ns), "the speaker has not settled: the kernel is not written yet");

                await("the claim, programming, once the speaker settled and wrote the kernel",
                        () -> value(store).equals(Optional.of(PROGRAMMING)));
                assertEquals("blackhole " + BLOCK, ourRoutes(ns), "programming means our route is in the kernel");

                // The claim lost (ipip-manager took the routes over and removed ours): only a re-read of the kernel
                // shows the route gone; the loop's own view still has it.
                ns.ip("route", "del", "blackhole", BLOCK, "proto", "83");
                long created = retakeByDeletingTheClaim(store);
                await("the retaken claim, programming", () -> programmingSince(store, created));
                assertEquals("blackhole " + BLOCK, ourRoutes(ns), "the retake re-read the kernel and wrote our route "
                        + "again before saying programming");

                // Another owner's route at our destination: every apply fails, so the claim keeps waiting.
                ns.ip("route", "del", "blackhole", BLOCK, "proto", "83");
                ns.ip("route", "add", "blackhole", BLOCK, "proto", "static");
                long again = retakeByDeletingTheClaim(store);
                Thread.sleep(3000); // a few of the loop's retries
                assertEquals(Optional.of(WAITING), value(store), "an apply with failures does not say programming");
                ns.ip("route", "del", "blackhole", BLOCK, "proto", "static");
                await("programming once an apply succeeds", () -> programmingSince(store, again));
                assertEquals("blackhole " + BLOCK, ourRoutes(ns));
            } finally {
                agent.close(); // as BgpService stops: the kernel loop first, then the claim
                if (claim != null) {
                    claim.close();
                }
            }
            assertEquals(Optional.empty(), store.get(KEY), "a clean stop revokes the claim at once");
            assertEquals("blackhole " + BLOCK, ourRoutes(ns), "and leaves the routes for the next start");
        }
    }

    /** Deletes the claim by hand and waits for the agent's claim to take it again; returns the new create revision. */
    private static long retakeByDeletingTheClaim(KeyValueStore store) throws InterruptedException {
        long before = store.get(KEY).orElseThrow().createRevision();
        store.delete(KEY);
        await("the claim taken again", () -> store.get(KEY).map(e -> e.createRevision() != before).orElse(false));
        return store.get(KEY).orElseThrow().createRevision();
    }

    private static boolean programmingSince(KeyValueStore store, long created) {
        return store.get(KEY).filter(e -> e.createRevision() == created)
                .map(e -> e.valueAsString().equals(PROGRAMMING)).orElse(false);
    }

    private static Optional<String> value(KeyValueStore store) {
        return store.get(KEY).map(KvEntry::valueAsString);
    }

    private static String ourRoutes(TestNamespace ns) {
        return ns.ip("-4", "route", "show", "proto", "83").trim();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("waited " + WAIT + " for " + what);
    }
}
