package dev.tabby.vxlan.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How the VXLAN service runs: {@code tabby.vxlan.*} properties, or TABBY_VXLAN_* in the environment. The HTTP port
 * (9182) and bind address (127.0.0.1) are Quarkus's {@code quarkus.http.port} and {@code quarkus.http.host}.
 */
@ConfigMapping(prefix = "tabby.vxlan")
public interface VxlanSettings {
    /** The node this service programs; default TABBY_NODENAME, then the host name. */
    Optional<String> node();

    /**
     * Where the workload MTU is published for the CNI plugin (Felix writes /var/lib/calico/mtu); rewritten whenever
     * the computed MTU changes.
     */
    @WithDefault("/var/lib/tabby/mtu")
    String mtuFile();

    /** How often the kernel is re-read to repair drift (Felix's routeRefreshInterval). */
    @WithDefault("90s")
    Duration resyncInterval();

    /** Keep this node's VXLAN tunnel address in IPAM and on its Node (calico-node's job). */
    @WithDefault("true")
    boolean allocateTunnelAddress();
}
