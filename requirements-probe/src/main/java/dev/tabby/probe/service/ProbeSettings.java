package dev.tabby.probe.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How the probe service runs: {@code tabby.probe.*} properties, or TABBY_PROBE_* in the environment. */
@ConfigMapping(prefix = "tabby.probe")
public interface ProbeSettings {
    /** How often the host is probed again. */
    @WithDefault("60s")
    Duration interval();

    /** The networking modes in use: ipip, vxlan, bgp (comma-separated), as for {@code bin/tabby probe --mode}. */
    @WithDefault("ipip,bgp")
    String modes();

    /** Where the host's root is mounted (a container sees the host at /host). */
    @WithDefault("/")
    String hostRoot();

    /** Also try to reach the other nodes' BGP port. */
    @WithDefault("false")
    boolean peers();

    /** How often the service asks etcd whether it is reachable (readiness goes down within this plus the deadline). */
    @WithDefault("3s")
    Duration datastoreCheckInterval();

    /** How long that question may take before etcd counts as unreachable. */
    @WithDefault("2s")
    Duration datastoreDeadline();

    /** The node this probe reports for; default TABBY_NODENAME, then the host name. */
    Optional<String> node();
}
