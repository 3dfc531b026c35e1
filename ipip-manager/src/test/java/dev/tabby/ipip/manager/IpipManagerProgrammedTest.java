package dev.tabby.ipip.manager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tabby.dataplane.ApplyResult;
import dev.tabby.ipip.plan.IpipNode;
import dev.tabby.model.codec.ResourceCodec;
import dev.tabby.model.net.Cidr;
import dev.tabby.model.net.IpAddress;
import dev.tabby.model.v3.IPPool;
import dev.tabby.netlink.testing.TestNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What readiness reads of the manager ({@link IpipManager#programmed()}), on a real kernel in a namespace of its own.
 * Felix v3.18 is ready only once its first dataplane apply has completed (dataplane/linux/int_dataplane.go,
 * doneFirstApply): a plan counts only after its apply returned, and only if it wrote everything. This machine's kernel
 * has no ipip, so the apply that programs tunl0 fails here, which is what the failed-apply case needs; the case where
 * tunl0's routes are still being written is the VM suite's (IpipInVmTest, a fresh node). Skipped where ipip is
 * loaded (tunl0 exists in every namespace) or loadable (asking for tunl0 would load it, creating tunl0 on the host).
 */
class IpipManagerProgrammedTest {
    private TestNamespace ns;
    private IpipManager manager;

    @BeforeAll
    static void onlyWithoutIpip() throws IOException {
        assumeFalse(Files.exists(Path.of("/sys/module/ipip")) || ipipLoadable(),
                "this kernel has ipip: the VM suite covers the manager there");
    }

    @BeforeEach
    void manager() {
        ns = TestNamespace.create();
        manager = new IpipManager("node-1", ns.netlink(), null);
    }

    @AfterEach
    void close() {
        if (ns != null) {
            ns.close();
        }
    }

    @Test
    void nothingIsProgrammedBeforeTheFirstApply() {
        assertFalse(manager.programmed());
        assertEquals(IpipStatus.STARTING, manager.status().state());
    }

    @Test
    void aSettledPlanCountsOnceItsApplyReturnedOk() {
        ApplyResult result = manager.apply(); // no pool: INACTIVE, nothing of ours to remove
        assertTrue(result.ok(), String.valueOf(result));
        assertEquals("INACTIVE", manager.status().state());
        assertTrue(manager.programmed(), "inactive on purpose, and applied");
    }

    @Test
    void anApplyThatOnlyWaitedForTheTunnelAddressDoesNotCount() {
        manager.onUpdate(new IpipUpdate.PoolChanged("p1", pool()));
        manager.onUpdate(new IpipUpdate.NodeChanged("node-1", new IpipNode("node-1", Cidr.parse("10.0.0.1/24"), null)));
        assertTrue(manager.apply().ok());
        assertEquals("WAITING_FOR_NODE", manager.status().state());
        assertFalse(manager.programmed(), "waiting for the tunnel address is not programmed");
    }

    @Test
    void aPlanWhoseApplyFailedIsShownButDoesNotCount() {
        assertTrue(manager.apply().ok());
        assertTrue(manager.programmed(), "inactive, applied");
        manager.onUpdate(new IpipUpdate.PoolChanged("p1", pool()));
        manager.onUpdate(new IpipUpdate.NodeChanged("node-1",
                new IpipNode("node-1", Cidr.parse("10.0.0.1/24"), IpAddress.parse("10.65.0.1"))));
        ApplyResult result = manager.apply(); // tunl0 cannot be made: no ipip in this kernel
        assertFalse(result.ok(), "tunl0 without ipip: " + result);
        assertEquals("ACTIVE", manager.status().state(), "the status shows the plan the last apply tried");
        assertFalse(manager.programmed(), "an active plan whose apply failed is not programmed, nor is the one before");
    }

    private static IPPool pool() {
        return (IPPool) ResourceCodec.read("""
                apiVersion: projectcalico.org/v3
                kind: IPPool
                metadata: {name: p1}
                spec: {cidr: 10.65.0.0/16, ipipMode: Always}
                """).resources().get(0);
    }

    private static boolean ipipLoadable() throws IOException {
        String release = Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).strip();
        Path dep = Path.of("/lib/modules", release, "modules.dep");
        if (!Files.exists(dep)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(dep)) {
            return lines.anyMatch(l -> l.matches("^\\S*/ipip\\.ko(\\.\\w+)?:.*"));
        }
    }
}
