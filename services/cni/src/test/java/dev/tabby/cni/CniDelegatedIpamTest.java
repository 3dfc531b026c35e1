package dev.tabby.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tabby.cni.plugin.Datastores;
import dev.tabby.cni.plugin.Plugins;
import dev.tabby.datastore.testing.EtcdExtension;
import dev.tabby.netlink.testing.NamespaceExtension;
import dev.tabby.netlink.testing.TestNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delegated IPAM plugin (here: small scripts in a CNI_PATH of the test's own) gets the call's CNI_* variables and
 * PATH and nothing else, is killed at its deadline, and holds up no container but its own.
 */
class CniDelegatedIpamTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();
    @RegisterExtension
    final NamespaceExtension netns = new NamespaceExtension();

    private CniFixture f;
    private Path cniPath;

    @BeforeEach
    void node() throws Exception {
        f = new CniFixture(ETCD, netns);
        f.pool("pool-v4", "10.73.0.0/16", 26);
        cniPath = ETCD.scratchDir("cni-path-" + CniFixture.hex(4));
        // Writes its environment next to itself, then refuses (so ADD stops there).
        script("fake-env", """
                #!/bin/sh
                env > "$(dirname "$0")/env.$CNI_COMMAND"
                echo '{"cniVersion":"1.0.0","code":101,"msg":"fake-env refuses"}'
                exit 1
                """);
        // Hangs holding its stdout, in a child of its own too.
        script("fake-hang", """
                #!/bin/sh
                d=$(dirname "$0")
                echo $$ > "$d/hang.pid"
                sleep 100000 &
                echo $! > "$d/sleep.pid"
                wait
                """);
        // Waits until the test says go.
        script("fake-wait", """
                #!/bin/sh
                d=$(dirname "$0")
                echo $$ > "$d/wait.pid"
                while [ ! -e "$d/go" ]; do sleep 0.05; done
                echo '{"cniVersion":"1.0.0","code":101,"msg":"fake-wait was told to stop"}'
                exit 1
                """);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private void script(String name, String text) throws Exception {
        Path p = cniPath.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String config(String ipamType) {
        return f.config().replace("\"ipam\":{\"type\":\"tabby-ipam\"}", "\"ipam\":{\"type\":\"" + ipamType + "\"}");
    }

    @Test
    void theDelegateSeesTheCallsCniVariablesAndPathOnly() throws Exception {
        TestNamespace c = f.container();
        Path socket = ETCD.scratchDir("env-daemon-" + CniFixture.hex(4)).resolve("cni.sock");
        // A daemon process with etcd credentials and other settings in its environment, in the node's namespace.
        Map<String, String> daemonEnv = Map.of("PATH", System.getenv("PATH"), "TABBY_ETCD_USERNAME", "tabby",
                "TABBY_ETCD_PASSWORD", "daemon-secret", "TABBY_CNI_LOG_LEVEL", "info", "DAEMON_ONLY_SETTING", "x");
        try (ChildJvm.Daemon daemon = ChildJvm.Daemon.start(f.host, socket, daemonEnv)) {
            String id = CniFixture.containerId();
            CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), config("fake-env"))
                    .withPod("shop", "env").withEnv("CNI_PATH", cniPath.toString())
                    .withEnv("TABBY_ETCD_USERNAME", "tabby").withEnv("TABBY_ETCD_PASSWORD", "call-secret");
            CniRuntime.Outcome o = CniRuntime.daemon(socket).call(Plugins.CNI, add);
            assertEquals(101, o.code(), o + "\n" + daemon.log());
            assertTrue(o.msg().contains("fake-env refuses"), o.msg());

            String env = Files.readString(cniPath.resolve("env.ADD"));
            assertFalse(env.contains("secret"), "no etcd password reaches the delegate: " + env);
            Set<String> names = env.lines().filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('=')))
                    .collect(Collectors.toSet());
            Set<String> allowed = Set.of("CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH", "PATH",
                    "PWD"); // PWD: the shell's own
            assertTrue(allowed.containsAll(names), "only the call's CNI_* variables and PATH: " + names);
            assertTrue(env.contains("CNI_CONTAINERID=" + id + "\n") && env.contains("CNI_COMMAND=ADD\n")
                    && env.contains("CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=env;"), env);
            assertTrue(env.contains("PATH=" + System.getenv("PATH") + "\n"), "the daemon's PATH: " + env);
        }
        assertFalse(c.oracle().link("eth0").isPresent());
    }

    @Test
    void aHangingDelegateIsKilledAtItsDeadline() throws Exception {
        TestNamespace c = f.container();
        String id = CniFixture.containerId();
        try (Datastores ds = new Datastores()) {
            Plugins plugins = new Plugins(f.context(ds, cniPath.resolve("mtu")).withDelegateTimeout(Duration.ofSeconds(3)));
            CniRuntime.Call add = CniRuntime.Call.of("ADD", id, c.path().toString(), config("fake-hang")).withPod("shop", "hang")
                    .withEnv("CNI_PATH", cniPath.toString());
            CniRuntime.Outcome o = CniRuntime.direct(plugins).call(Plugins.CNI, add);
            assertEquals(101, o.code(), o.toString());
            assertTrue(o.msg().contains(cniPath.resolve("fake-hang").toString()) && o.msg().contains("within 3 s"), o.msg());
            long plugin = Long.parseLong(Files.readString(cniPath.resolve("hang.pid")).strip());
            long sleeper = Long.parseLong(Files.readString(cniPath.resolve("sleep.pid")).strip());
            assertTrue(ChildJvm.awaitEnd(plugin), "the plugin process " + plugin + " was killed");
            assertTrue(ChildJvm.awaitEnd(sleeper), "the process it started, " + sleeper + ", was killed too");
        }
        assertFalse(c.oracle().link("eth0").isPresent());
        f.assertNoLeftovers(List.of(id));
    }

    @Test
    void aSlowDelegateHoldsUpNoOtherContainer() throws Exception {
        TestNamespace slow = f.container();
        TestNamespace quick = f.container();
        // Two containers that shared one lock in the former 64-stripe scheme: they waited for each other there.
        String slowId = CniFixture.containerId();
        String quickId;
        do {
            quickId = CniFixture.containerId();
        } while (Math.floorMod((slowId + "/eth0").hashCode(), 64) != Math.floorMod((quickId + "/eth0").hashCode(), 64));
        try (Datastores ds = new Datastores()) {
            CniRuntime.Transport plugin = CniRuntime.direct(new Plugins(f.context(ds, cniPath.resolve("mtu"))));
            CniRuntime.Call slowAdd = CniRuntime.Call.of("ADD", slowId, slow.path().toString(), config("fake-wait"))
                    .withEnv("CNI_PATH", cniPath.toString());
            CompletableFuture<CniRuntime.Outcome> slowCall = CompletableFuture.supplyAsync(() -> plugin.call(Plugins.CNI, slowAdd));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(cniPath.resolve("wait.pid"))) {
                    assertTrue(System.nanoTime() < deadline && !slowCall.isDone(), "the slow delegate never started: "
                            + (slowCall.isDone() ? slowCall.join() : ""));
                    Thread.sleep(20);
                }

                CniRuntime.Call quickAdd = CniRuntime.Call.of("ADD", quickId, quick.path().toString(), f.config());
                plugin.call(Plugins.CNI, quickAdd).requireOk();
                assertFalse(slowCall.isDone(), "the other container's ADD finished while the slow one still waits");
                assertTrue(plugin.call(Plugins.CNI, quickAdd.withCommand("DEL")).ok());
            } finally {
                Files.writeString(cniPath.resolve("go"), "");
            }
            CniRuntime.Outcome slowOutcome = slowCall.get(60, TimeUnit.SECONDS);
            assertEquals(101, slowOutcome.code(), slowOutcome.toString());
            assertTrue(slowOutcome.msg().contains("fake-wait was told to stop"), slowOutcome.msg());
        }
        f.assertNoLeftovers(List.of(slowId, quickId));
    }
}
