package dev.tabby.runtime;

import dev.tabby.netlink.Netlink;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Netlink handle a service programs (vxlan-manager, ipip-manager, bgp-speaker): always the process's own
 * namespace, since the service runs inside its node's (architecture.md, "Running on a node"). A default bean only so
 * that a service's own test can hand it a namespace the test made, rather than the host's.
 */
@ApplicationScoped
public class NetlinkProducer {
    @Produces
    @Singleton
    @DefaultBean
    Netlink netlink() {
        return Netlink.open();
    }

    void close(@Disposes Netlink netlink) {
        netlink.close();
    }
}
