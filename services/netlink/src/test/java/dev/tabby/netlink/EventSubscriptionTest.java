package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.model.net.Cidr;
import dev.tabby.netlink.testing.Cmd;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Netlink.subscribe: link and address groups, and what a listener hears when the kernel drops events. */
class EventSubscriptionTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    /** Collects everything a subscription delivers. */
    private static class Recorder implements NetlinkListener {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final AtomicInteger lost = new AtomicInteger();

        @Override
        public void onLink(LinkEvent event) {
            events.add(event);
        }

        @Override
        public void onAddress(AddrEvent event) {
            events.add(event);
        }

        @Override
        public void onEventsLost() {
            lost.incrementAndGet();
        }

        <T> T next(Class<T> type, Predicate<T> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline) {
                Object e = events.poll(100, TimeUnit.MILLISECONDS);
                if (type.isInstance(e) && wanted.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            throw new AssertionError("no matching " + type.getSimpleName() + " within 5 s");
        }
    }

    @Test
    void addressEventsOfBothFamiliesDecodedWithTheirLink() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        ns.ip("link", "add", "name", "ad0", "type", "bridge");
        ns.ip("link", "set", "ad0", "up");
        int ad0 = nl.linkByName("ad0").orElseThrow().index();
        Recorder r = new Recorder();

        try (LinkSubscription sub = nl.subscribe(Set.of(EventGroup.IPV4_ADDRESS, EventGroup.IPV6_ADDRESS), r)) {
            ns.ip("addr", "add", "10.9.0.1/24", "dev", "ad0");
            ns.ip("addr", "add", "fd09::1/64", "dev", "ad0", "nodad");
            AddrEvent v4 = r.next(AddrEvent.class, e -> e.addr().address().equals(Cidr.parse("10.9.0.1/24")));
            assertEquals(AddrEvent.Type.NEW, v4.type());
            assertEquals(ad0, v4.addr().linkIndex());
            assertEquals("ad0", v4.addr().label(), "IPv4 addresses carry the device's label");
            AddrEvent v6 = r.next(AddrEvent.class, e -> e.addr().address().equals(Cidr.parse("fd09::1/64")));
            assertEquals(AddrEvent.Type.NEW, v6.type());
            assertEquals(ad0, v6.addr().linkIndex());

            ns.ip("addr", "del", "10.9.0.1/24", "dev", "ad0");
            AddrEvent gone = r.next(AddrEvent.class, e -> e.type() == AddrEvent.Type.DEL);
            assertEquals(Cidr.parse("10.9.0.1/24"), gone.addr().address());

            ns.ip("link", "add", "name", "ad1", "type", "bridge");
            ns.ip("addr", "add", "10.9.1.1/32", "dev", "ad1");
            r.next(AddrEvent.class, e -> e.addr().address().equals(Cidr.parse("10.9.1.1/32"))); // after ad1's link events
            assertNull(r.events.stream().filter(LinkEvent.class::isInstance).findAny().orElse(null),
                    "no link events without the LINK group");
        }
        assertEquals(0, r.lost.get());
    }

    @Test
    void linkAndAddressGroupsOnOneSubscription() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        Recorder r = new Recorder();

        try (LinkSubscription sub = nl.subscribe(Set.of(EventGroup.LINK, EventGroup.IPV4_ADDRESS), r)) {
            ns.ip("link", "add", "name", "both0", "type", "bridge");
            LinkEvent made = r.next(LinkEvent.class, e -> "both0".equals(e.link().name()));
            ns.ip("addr", "add", "10.8.0.1/32", "dev", "both0");
            AddrEvent addr = r.next(AddrEvent.class, e -> e.addr().address().equals(Cidr.parse("10.8.0.1/32")));
            assertEquals(made.link().index(), addr.addr().linkIndex());
        }
        assertThrows(IllegalArgumentException.class, () -> nl.subscribe(Set.of(), r));
    }

    /**
     * A listener that stalls while hundreds of links come and go behind a receive buffer of the kernel's minimum size:
     * the kernel drops events and says ENOBUFS, and the listener is told to resync. Events after the overflow still
     * arrive.
     */
    @Test
    void overflowTellsTheListenerToResync() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = new Recorder() {
            @Override
            public void onLink(LinkEvent event) {
                stalled.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onLink(event);
            }
        };
        Path batch = Files.createTempFile("tabby-flood-", ".ip");
        try (LinkSubscription sub = nl.subscribe(Set.of(EventGroup.LINK), r, 1)) { // the kernel raises 1 to its minimum
            ns.ip("link", "add", "name", "first0", "type", "bridge");
            assertTrue(stalled.await(5, TimeUnit.SECONDS), "the listener got the first event and is now stalled");

            StringBuilder script = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                script.append("link add name fl").append(i).append(" type veth peer name fp").append(i).append('\n');
            }
            for (int i = 0; i < 300; i++) {
                script.append("link del fl").append(i).append('\n');
            }
            Files.writeString(batch, script);
            Cmd.run("ip", "-n", ns.name(), "-batch", batch.toString());
            assertEquals(0, r.lost.get(), "nothing is reported while the listener is still busy");

            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (r.lost.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, r.lost.get(), "one overflow, one resync");

            ns.ip("link", "add", "name", "after0", "type", "bridge");
            r.next(LinkEvent.class, e -> "after0".equals(e.link().name()));
            assertFalse(r.events.stream().anyMatch(e -> e instanceof LinkEvent l && l.link().name().matches("f[lp]\\d+")),
                    "events queued before the overflow are discarded, not delivered after it: the resync supersedes them");
        } finally {
            release.countDown();
            Files.deleteIfExists(batch);
        }
    }
}
