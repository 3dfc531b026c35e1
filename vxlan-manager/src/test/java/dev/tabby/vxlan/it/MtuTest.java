package dev.tabby.vxlan.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tabby.datastore.resource.ResourceId;
import dev.tabby.model.v3.Kind;
import dev.tabby.vxlan.agent.AgentSettings;
import dev.tabby.vxlan.testing.ClusterTestCase;
import dev.tabby.vxlan.testing.Await;
import dev.tabby.vxlan.testing.KernelView;
import dev.tabby.vxlan.testing.Resources;
import dev.tabby.vxlan.testing.TestCluster;
import dev.tabby.vxlan.testing.TestCluster.NodeDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One MTU for vxlan.calico and the pods, worked out as Felix does (vxlanMTU, else the smallest MTU of the interfaces
 * matching mtuIfacePattern minus 50, else 1460 - 50: int_dataplane.go findHostMTU) and published in the MTU file as
 * Felix writes /var/lib/calico/mtu. The file lives in a temporary directory: tests never write the host's.
 */
class MtuTest extends ClusterTestCase {
    @TempDir
    Path tmp;


    void awaitMtu(String ns, Path file, int want, Duration within, String why) {
        Await.until(within, why, () -> {
            int device = KernelView.hasDevice(ns) ? ((Number) KernelView.device(ns).get("mtu")).intValue() : -1;
            String published;
            try {
                published = Files.exists(file) ? Files.readString(file) : "(no file)";
            } catch (IOException e) {
                published = e.toString();
            }
            return device == want && published.equals(Integer.toString(want)) ? null
                    : "device MTU " + device + ", file says " + published + ", want " + want;
        });
    }

    @Test
    void theMtuComesFromVxlanMtuElseTheSmallestMatchingInterfaceElse1460AndTheFileFollowsIt() throws Exception {
        cluster = TestCluster.build(kv, netns, "Always", 1, new NodeDef("node1", "10.250.1.1/24"));
        String ns = cluster.ns("node1");
        // A second interface the default mtuIfacePattern names (ens*), smaller than eth0's 1500; and a veth it does not.
        cluster.nodeNs.get("node1").ip("link", "add", "ens9", "mtu", "1300", "type", "veth", "peer", "name", "peer9");
        cluster.nodeNs.get("node1").ip("link", "add", "veth7", "mtu", "1000", "type", "veth", "peer", "name", "peer7");
        Path file = tmp.resolve("var/lib/tabby/mtu"); // its directory does not exist yet
        cluster.startAgent("node1", AgentSettings.defaults("node1").withMtuFile(file));

        awaitMtu(ns, file, 1250, Duration.ofSeconds(30), "smallest matching interface (ens9, 1300) - 50");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        cluster.resources.apply(Resources.felix("default", "vxlanMTU: 1350"));
        awaitMtu(ns, file, 1350, Duration.ofSeconds(10), "vxlanMTU 1350");

        cluster.resources.delete(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default"), null);
        cluster.resources.apply(Resources.felix("default", "mtuIfacePattern: '^nomatch$'"));
        awaitMtu(ns, file, 1410, Duration.ofSeconds(10), "no interface matches: Felix's 1460 - 50");

        cluster.resources.delete(new ResourceId(Kind.FELIX_CONFIGURATION, null, "default"), null);
        awaitMtu(ns, file, 1250, Duration.ofSeconds(10), "back to the default pattern");
        // A matching interface's MTU changed by hand: its link event brings the new MTU (the resync is 90 s away).
        cluster.nodeNs.get("node1").ip("link", "set", "ens9", "mtu", "1280");
        awaitMtu(ns, file, 1230, Duration.ofSeconds(1), "ens9 at 1280, through the link event");
        try (var listing = Files.list(file.getParent())) {
            assertEquals(1, listing.count(), "no temporary file left beside the MTU file");
        }
    }
}
