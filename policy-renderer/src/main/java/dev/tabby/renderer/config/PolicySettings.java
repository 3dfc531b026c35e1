package dev.tabby.renderer.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * How the policy renderer runs: {@code tabby.policy.*} properties, or TABBY_POLICY_* in the environment. The HTTP port
 * (9183) and bind address (127.0.0.1) are Quarkus's {@code quarkus.http.port} and {@code quarkus.http.host}. What
 * policy does is FelixConfiguration's, read from etcd.
 */
@ConfigMapping(prefix = "tabby.policy")
public interface PolicySettings {
    /** The node this service renders policy for; default TABBY_NODENAME, then the host name. */
    Optional<String> node();
}
