package dev.tabby.probe.host;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which processes are Tabby's own, so a port they hold is no conflict (the testbed runs bgp-speaker this way). */
class ProcessTableTest {
    @Test
    void aServiceRunFromItsQuarkusJarIsTabbys() {
        assertTrue(new ProcessTable.Proc(7, "java", "java -Xmx256m -XX:+UseSerialGC -jar "
                + "/work/main/bgp-speaker/target/quarkus-app/quarkus-run.jar").isTabby());
        assertTrue(new ProcessTable.Proc(7, "java", "java -cp /opt/tabby/lib/* dev.tabby.cni.daemon.CniDaemon")
                .isTabby());
    }

    @Test
    void anotherJavaProgramOrAnotherQuarkusAppIsNot() {
        assertFalse(new ProcessTable.Proc(8, "java", "java -jar /srv/shop/target/quarkus-app/quarkus-run.jar")
                .isTabby());
        assertFalse(new ProcessTable.Proc(9, "bird", "bird -f -c /etc/bird/bird.conf").isTabby());
    }
}
