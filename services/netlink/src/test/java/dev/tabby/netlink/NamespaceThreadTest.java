package dev.tabby.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Netlink.at keeps a thread inside the namespace, and that thread keeps the namespace alive even after
 * {@code ip netns del}: no failure of at(), and no close(), may leave one behind.
 */
class NamespaceThreadTest {
    private static final int ROUNDS = 20;

    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private static long namespaceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tabby-netns-") && t.isAlive()).count();
    }

    /** How many threads of this JVM are inside the network namespace {@code netInode} ({@code net:[INODE]}). */
    private static long threadsInside(String netInode) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readSymbolicLink(t.resolve("ns/net")).toString().equals(netInode);
                } catch (IOException e) {
                    return false; // the thread ended while we looked
                }
            }).count();
        }
    }

    /**
     * Waits (up to 5 s) for no thread of this JVM to be inside the namespace: a joined Java thread's OS thread exits a
     * moment after join() returns, and only then drops its namespace.
     */
    private static long threadsStillInside(String netInode) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long inside = threadsInside(netInode);
        while (inside > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            inside = threadsInside(netInode);
        }
        return inside;
    }

    private static String inode(Path nsFile) throws IOException {
        return "net:[" + Files.getAttribute(nsFile, "unix:ino") + "]";
    }

    @Test
    void failedAtCallsLeaveNoThread() throws Exception {
        TestNamespace ns = netns.create();
        String inside = inode(ns.path());
        TestNamespace gone = netns.create();
        Path deleted = gone.path();
        gone.close();
        Path regularFile = Files.createTempFile("tabby-not-a-netns-", "");
        Path directory = Files.createTempDirectory("tabby-not-a-netns-");
        long baseline = namespaceThreads();
        try {
            for (int i = 0; i < ROUNDS; i++) {
                NetlinkException file = assertThrows(NetlinkException.class, () -> Netlink.at(regularFile));
                assertEquals("EINVAL", file.errnoName());
                assertTrue(file.getMessage().contains("not a network namespace"), file.getMessage());
                assertEquals("EINVAL", assertThrows(NetlinkException.class, () -> Netlink.at(directory)).errnoName());
                assertEquals("ENOENT", assertThrows(NetlinkException.class,
                        () -> Netlink.at(Path.of("/run/netns/tabby-t-missing"))).errnoName());
                assertEquals("ENOENT", assertThrows(NetlinkException.class, () -> Netlink.at(deleted)).errnoName());

                // Failures after the thread entered the namespace: of the kernel, and of anything else.
                IllegalStateException bug = new IllegalStateException("socket bug");
                assertSame(bug, assertThrows(IllegalStateException.class, () -> Netlink.at(ns.path(), () -> {
                    throw bug;
                })));
                LinkageError linkage = new LinkageError("libc not loadable");
                assertSame(linkage, assertThrows(LinkageError.class, () -> Netlink.at(ns.path(), () -> {
                    throw linkage;
                })));
                assertEquals("EMFILE", assertThrows(NetlinkException.class, () -> Netlink.at(ns.path(), () -> {
                    throw new dev.tabby.netlink.raw.ErrnoException(24, null);
                })).errnoName());
            }
            assertEquals(baseline, namespaceThreads(), "namespace threads after failed at() calls");
            assertEquals(0, threadsStillInside(inside), "no thread holds the namespace");
        } finally {
            Files.deleteIfExists(regularFile);
            Files.deleteIfExists(directory);
        }
    }

    @Test
    void closeReturnsOnceTheThreadIsGone() throws Exception {
        TestNamespace ns = netns.create();
        String inside = inode(ns.path());
        long baseline = namespaceThreads();
        for (int i = 0; i < ROUNDS; i++) {
            Netlink nl = Netlink.at(ns.path());
            nl.linkList();
            nl.subscribe(Set.of(EventGroup.LINK, EventGroup.IPV4_ADDRESS), () -> { });
            assertEquals(baseline + 1, namespaceThreads());
            nl.close();
            assertEquals(baseline, namespaceThreads(), "right after close(), without waiting");
            assertEquals(0, threadsStillInside(inside), "no thread holds the namespace after close()");
        }
        List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("tabby-netlink-events-" + ns.name())).toList();
        assertEquals(List.of(), left, "event threads ended with their handle");
    }
}
