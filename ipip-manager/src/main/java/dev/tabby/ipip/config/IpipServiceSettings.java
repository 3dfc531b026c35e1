package dev.tabby.ipip.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How the IP-in-IP service runs: {@code tabby.ipip.*} properties, or TABBY_IPIP_* in the environment. The HTTP port
 * (9181) and bind address (127.0.0.1) are Quarkus's {@code quarkus.http.port} and {@code quarkus.http.host}.
 */
@ConfigMapping(prefix = "tabby.ipip")
public interface IpipServiceSettings {
    /** The node this service programs; default TABBY_NODENAME, then the host name. */
    Optional<String> node();

    /** Where the workload MTU is published for the CNI plugin (Felix writes /var/lib/calico/mtu). */
    @WithDefault("/var/lib/tabby/mtu")
    String mtuFile();

    /** How often the kernel is re-read to repair drift (Felix's routeRefreshInterval). */
    @WithDefault("90s")
    Duration resyncInterval();

    /** Keep this node's IP-in-IP tunnel address in IPAM and on its Node (calico-node's job). */
    @WithDefault("true")
    boolean allocateTunnelAddress();
}
