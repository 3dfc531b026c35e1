package dev.tabby.bgpspeaker.service;

import dev.tabby.netlink.Netlink;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The Netlink handle for the kernel routes: the process's own namespace, since the service runs in its node's. */
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
