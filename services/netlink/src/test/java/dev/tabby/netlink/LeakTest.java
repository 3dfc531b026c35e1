package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many cycles must leave file descriptors, threads and native memory where they were. */
class LeakTest {
    private static final int CYCLES = 10_000;

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    /**
     * Another thread of this JVM (class loading, the test runner) may open a descriptor of its own while the cycles
     * run, so a rise of one or two is not ours; a leak in the loop rises by hundreds or thousands.
     */
    private static final int UNRELATED_FDS = 2;

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** What the descriptors point at, for the failure message. */
    private static String fdTargets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    return "closed";
                }
            }).sorted().toList().toString();
        }
    }

    private static void assertFdsFlat(long before, String what) throws IOException {
        long after = openFds();
        assertTrue(after <= before + UNRELATED_FDS,
                "open file descriptors rose from " + before + " to " + after + " over " + what + ": " + fdTargets());
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static long rssKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElseThrow();
    }

    private static long namespaceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tabby-netns-") && t.isAlive()).count();
    }

    @Test
    void tenThousandRouteAddDelCyclesStayFlat() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int tv0 = Fixtures.vethPair(nl).index();
        Route r = Route.via(Cidr.parse("10.1.0.0/26"), IpAddress.parse("10.0.0.2"), tv0, RouteProtocol.VXLAN);
        for (int i = 0; i < 1_000; i++) { // warm up the JIT and the allocator first
            nl.routeAdd(r);
            nl.routeDel(r);
        }
        openFds();
        rssKb(); // the JDK's per-thread temporary direct buffers for file reads now exist
        System.gc();
        long fds = openFds();
        long direct = directBytes();
        long rss = rssKb();
        long start = System.nanoTime();

        for (int i = 0; i < CYCLES; i++) {
            nl.routeAdd(r);
            nl.routeDel(r);
        }

        long millis = (System.nanoTime() - start) / 1_000_000;
        System.gc();
        long rssGrowthKb = rssKb() - rss;
        System.out.printf("LEAK %d route add/del cycles in %d ms; fds %d -> %d; direct %d -> %d bytes; RSS change %d KiB%n",
                CYCLES, millis, fds, openFds(), direct, directBytes(), rssGrowthKb);
        // A descriptor of an earlier test may be closed meanwhile (by the Cleaner of a dropped handle), so the count
        // may fall; a leak makes it rise by about one per cycle.
        assertFdsFlat(fds, CYCLES + " route add/del cycles");
        // Buffers of handles closed by earlier tests may be freed meanwhile, so the count may fall; it must not rise.
        assertTrue(directBytes() <= direct, "direct buffers grew from " + direct + " to " + directBytes()
                + " bytes; each socket should allocate its own once");
        assertTrue(rssGrowthKb < 32 * 1024, "RSS grew " + rssGrowthKb + " KiB");
        assertTrue(nl.routeList(RouteFilter.protocolInTable(RouteProtocol.VXLAN, Route.MAIN_TABLE)).isEmpty());
    }

    @Test
    void failuresAndHandlesDoNotLeak() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        int tv0 = Fixtures.vethPair(nl).index();
        Route missing = Route.via(Cidr.parse("10.99.0.0/24"), null, tv0, 81);
        for (int i = 0; i < 50; i++) {
            Netlink.at(ns.path()).close();
        }
        long fds = openFds();
        long threads = namespaceThreads();

        for (int i = 0; i < 2_000; i++) {
            assertThrows(NetlinkException.class, () -> nl.routeDel(missing));
        }
        for (int i = 0; i < 200; i++) {
            try (Netlink other = Netlink.at(ns.path())) {
                other.linkByIndex(tv0);
                other.subscribeLinks(e -> { }).close();
            }
        }

        assertFdsFlat(fds, "2,000 failed requests and 200 handles");
        assertEquals(threads, namespaceThreads(), "namespace threads");
    }
}
