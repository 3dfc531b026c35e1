package dev.tabby.bgpspeaker.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How bgp-speaker runs: {@code tabby.bgp.*} properties, or TABBY_BGP_* in the environment. The HTTP port (9180) and
 * bind address (127.0.0.1) are Quarkus's {@code quarkus.http.port} and {@code quarkus.http.host}.
 */
@ConfigMapping(prefix = "tabby.bgp")
public interface BgpServiceSettings {
    /** The node this speaker speaks for; default TABBY_NODENAME, then the host name. */
    Optional<String> node();

    /**
     * The standalone mode: a file of Calico resources (BGPConfiguration, Node, BGPPeer, IPPool) instead of etcd
     * ({@code bin/tabby bgp run --config FILE}).
     */
    Optional<String> configFile();

    /** How often the kernel's routes are re-read to repair drift. */
    @WithDefault("90s")
    Duration resyncInterval();
}
