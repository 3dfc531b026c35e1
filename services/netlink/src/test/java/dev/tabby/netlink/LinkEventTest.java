package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LinkEventTest {
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    /** The next event about {@code name} of {@code type}, skipping others (e.g. the peer's, or state changes). */
    private static LinkEvent next(BlockingQueue<LinkEvent> q, LinkEvent.Type type, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            LinkEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e != null && e.type() == type && name.equals(e.link().name())) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event for " + name + " within 5 s");
    }

    @Test
    void newAndDelForAVethMadeByAnyone() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = ns.netlink();
        BlockingQueue<LinkEvent> q = new LinkedBlockingQueue<>();
        AtomicReference<String> thread = new AtomicReference<>();

        LinkSubscription sub = nl.subscribeLinks(e -> {
            thread.set(Thread.currentThread().getName());
            q.add(e);
        });
        try {
            ns.ip("link", "add", "name", "ev0", "type", "veth", "peer", "name", "ev1");
            LinkEvent created = next(q, LinkEvent.Type.NEW, "ev0");
            assertInstanceOf(Link.Veth.class, created.link());
            assertEquals(nl.linkByName("ev0").orElseThrow().index(), created.link().index());
            assertTrue(thread.get().startsWith("tabby-netlink-events-"), thread.get());

            nl.linkDel("ev0");
            LinkEvent deleted = next(q, LinkEvent.Type.DEL, "ev0");
            assertEquals(created.link().index(), deleted.link().index());
            next(q, LinkEvent.Type.DEL, "ev1");
        } finally {
            sub.close();
        }
        sub.close(); // idempotent

        q.clear();
        ns.ip("link", "add", "name", "ev2", "type", "veth", "peer", "name", "ev3");
        assertNull(q.poll(500, TimeUnit.MILLISECONDS), "nothing after close");
    }

    @Test
    void aFailingListenerKeepsReceivingAndCloseWithTheHandle() throws Exception {
        TestNamespace ns = netns.create();
        Netlink nl = Netlink.at(ns.path());
        BlockingQueue<LinkEvent> q = new LinkedBlockingQueue<>();
        nl.subscribeLinks(e -> {
            q.add(e);
            throw new IllegalStateException("listener bug");
        });

        nl.linkAdd(new Link.Bridge(LinkAttrs.named("evbr0")));
        next(q, LinkEvent.Type.NEW, "evbr0");
        nl.linkSetUp("evbr0");
        nl.linkDel("evbr0");
        next(q, LinkEvent.Type.DEL, "evbr0");

        nl.close();
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("tabby-netlink-events-" + ns.name()) && t.isAlive()), "the listener thread ended");
        q.clear();
        ns.ip("link", "add", "name", "evbr1", "type", "bridge");
        assertNull(q.poll(500, TimeUnit.MILLISECONDS));
    }
}
