package dev.tabby.datastore.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.datastore.testing.EtcdExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalEtcdTest {

    @Test
    void restartKeepsEndpointAndDataAndStopEndsTheProcess() throws IOException {
        Path dir = Files.createTempDirectory("tabby-local-etcd-");
        try (LocalEtcd etcd = LocalEtcd.start(dir.resolve("data"))) {
            URI endpoint = etcd.endpoint();
            long pid = etcd.pid();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            etcd.etcdctl().run("put", "/local/k", "v");
            long revision = etcd.etcdctl().currentRevision();

            etcd.restart();
            assertEquals(endpoint, etcd.endpoint());
            assertNotEquals(pid, etcd.pid());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "old etcd is gone");
            assertEquals("v", etcd.etcdctl().getPrefix("/local/").get("/local/k").valueAsString());
            assertEquals(revision, etcd.etcdctl().currentRevision());

            long newPid = etcd.pid();
            etcd.stop();
            assertFalse(etcd.isRunning());
            assertFalse(ProcessHandle.of(newPid).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            EtcdExtension.deleteRecursively(dir);
        }
    }
}
