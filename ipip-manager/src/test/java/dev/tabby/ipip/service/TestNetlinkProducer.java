package dev.tabby.ipip.service;

import dev.tabby.netlink.Netlink;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Under test the service programs the namespace {@link IpipServiceResource} made, never the host's own: this bean
 * replaces the default {@link NetlinkProducer}.
 */
@ApplicationScoped
public class TestNetlinkProducer {
    static final String NETNS_PROPERTY = "tabby.test.netns";

    @Produces
    @Singleton
    Netlink netlink() {
        return Netlink.at(Path.of(ConfigProvider.getConfig().getValue(NETNS_PROPERTY, String.class)));
    }

    void close(@Disposes Netlink netlink) {
        netlink.close();
    }
}
